# Set-up is these two targets; both create .venv on first use (see DEVELOPERS.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: demo test lint format bench clean

# The Python that pyproject.toml requires ("3.11"), checked before the venv is built and torch downloaded: an older
# one stops at once, naming the fix, instead of minutes later in an error of pip's.
PYTHON_NEEDED := $(shell sed -n 's/^requires-python = ">=\([0-9.]*\)"$$/\1/p' pyproject.toml)

# What `make demo` needs: mvae, the Essen corpus (music21), plots and `mvae serve`.
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; need = tuple(map(int, "$(PYTHON_NEEDED)".split("."))); sys.exit(0 if sys.version_info >= need else "error: mvae needs Python >= $(PYTHON_NEEDED), and $(PYTHON) is " + sys.version.split()[0] + "; give a newer one: make $(or $(MAKECMDGOALS),demo) PYTHON=python$(PYTHON_NEEDED)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# CPU build of torch first: an unpinned torch would pull a multi-GB CUDA build.
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[corpus,plot,serve]'
	touch $(STAMP)

# What the tests, lint and benchmarks need on top: Ray and the dev extra (pytest, ruff, onnx, selenium, httpx, ...).
$(DEV_STAMP): $(STAMP)
	$(BIN)/pip install --quiet -e '.[corpus,plot,serve,ray,dev]'
	touch $(DEV_STAMP)

# The JavaScript host's packages (tests/test_js_host.py), when npm is there; without it those tests skip.
# --ignore-scripts: onnxruntime-node's install script only fetches CUDA binaries; its CPU binaries are in the package.
JS_HOST := examples/onnx_host_js
JS_STAMP := $(if $(shell command -v npm 2>/dev/null),$(JS_HOST)/node_modules/.installed)
$(JS_HOST)/node_modules/.installed: $(JS_HOST)/package.json $(JS_HOST)/package-lock.json
	cd $(JS_HOST) && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

demo: $(STAMP)
	rm -rf runs/demo
	$(BIN)/mvae train corpus:essen --config examples/demo.toml --out runs/demo
	$(BIN)/mvae generate runs/demo --random 8 --seed 0 --out runs/demo/samples --audio runs/demo/samples
	$(BIN)/mvae plot runs/demo --out runs/demo/curves.png
	$(BIN)/mvae map runs/demo --out runs/demo/map.png
	@echo "Generated MIDI and WAV: runs/demo/samples/   Curves: runs/demo/curves.png   Latent map: runs/demo/map.png"
	@echo "More loops: $(BIN)/mvae generate runs/demo --random 8 --seed 1 --out runs/demo/take2 --audio runs/demo/take2"
	@echo "Play it live in the browser: $(BIN)/mvae serve runs/demo   (then open http://127.0.0.1:8000/)"
	@echo "The commands mvae prints (next: mvae generate ...) run as shown in a shell where $(VENV) is active: source $(BIN)/activate"

# The suite runs in TEST_PROCESSES processes (pytest-xdist), each test file whole in one of them so that its module
# fixtures (a trained run, a Ray instance, a browser) are made once: `make test TEST_PROCESSES=1` runs it in one.
TEST_PROCESSES ?= 2
test: $(DEV_STAMP) $(JS_STAMP)
	$(BIN)/ruff check --no-cache .  # no cache: import sorting depends on which modules exist, which the cache does not key on
	$(BIN)/ruff format --check .
	$(BIN)/pytest -q -n $(TEST_PROCESSES) --dist loadfile

lint: $(DEV_STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(DEV_STAMP)
	$(BIN)/python bench/throughput.py
	$(BIN)/python bench/throughput.py --plugins all
	$(BIN)/python bench/preprocess.py
	$(BIN)/python bench/plugin_overhead.py
	$(BIN)/python bench/generate_latency.py
	$(BIN)/python bench/memory.py
	$(BIN)/python bench/mapped_memory.py

clean:
	rm -rf $(VENV) runs .pytest_cache .ruff_cache $(JS_HOST)/node_modules
