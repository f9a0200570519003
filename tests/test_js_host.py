"""examples/onnx_host_js/onnx_host.mjs, the JavaScript host of `mvae export --onnx`, plays what `mvae generate`
writes: fed generate's uniform numbers, it chooses the same notes with the same values, for both export formats and
every note rule, in Node.js (onnxruntime-node) and in headless Chromium (onnxruntime-web), and times them in seconds
as examples/onnx_host.py does; its command line prints a pattern and refuses bad input with exit code 2.

Needs Node.js and the host's packages (`make test` runs `npm ci` in examples/onnx_host_js when npm is there; .ci/run
installs Node.js first); skips with the reason otherwise."""

from __future__ import annotations

import functools
import json
import shutil
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import numpy as np
import pytest
import torch
from typer.testing import CliRunner

from mvae_core.cli import app
from mvae_core.generation import DecodeOptions, pattern_rng
from mvae_core.run import RunDir
from tests.bench import load_bench
from tests.conftest import needs_browser
from tests.host_options import OPTION_SETS, SEED_OPTION_SETS
from tests.side_by_side import run_together

ROOT = Path(__file__).resolve().parents[1]
HOST_FOLDER = ROOT / "examples" / "onnx_host_js"
DRIVER = ROOT / "tests" / "js" / "host_driver.mjs"
PAGE = ROOT / "tests" / "js" / "host_page.html"
ORT_WEB = HOST_FOLDER / "node_modules" / "onnxruntime-web" / "dist"
NODE = shutil.which("node")
UNIFORMS_PER_PATTERN = 1024  # more than any rule draws: 32 × 24 cells for --poly, then two per sounding step
TIMED_AT = {"tempo": 97, "gridOffset": 0.7}
"""The tempo and grid offset at which the JavaScript host also gives each pattern in seconds (``Host.timed``)."""
SMALL = ["model.hidden=32", "model.melody_rnn.rnn_hidden=32", "model.melody_rnn.embedding=8", "train.batch_size=16"]
TRAIN = [*(arg for setting in [*SMALL, "train.lr=0.01"] for arg in ("--set", setting)), "--plugins", "none"]

pytestmark = [
    pytest.mark.skipif(NODE is None, reason="Node.js is not installed (apt-get install nodejs npm; .ci/run does)"),
    pytest.mark.skipif(
        not (HOST_FOLDER / "node_modules" / "onnxruntime-node").is_dir(),
        reason=f"the JavaScript host's packages are not installed: run `npm ci --ignore-scripts` in {HOST_FOLDER} "
        "(make test does when npm is there)",
    ),
]


def export(pattern_dir: Path, folder: Path, model: str, epochs: int) -> Path:
    """Train ``model`` on ``pattern_dir`` and export it; the two files alone in a folder (all a host gets)."""
    runner = CliRunner()
    run = folder / "run"
    args = ["train", str(pattern_dir), *TRAIN, "--set", f'model.name="{model}"', "--epochs", str(epochs)]
    result = runner.invoke(app, [*args, "--out", str(run)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    onnx_file = folder / "export" / "decoder.onnx"
    result = runner.invoke(app, ["export", str(run), "--onnx", str(onnx_file)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return onnx_file


@pytest.fixture(scope="module", params=["melody_rnn", "seed"])
def exported(request, pattern_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """(decoder.onnx, model name) of a trained run of each built-in model."""
    model = request.param
    folder = tmp_path_factory.mktemp(f"js-{model}")
    return export(pattern_dir, folder, model, epochs=20 if model == "melody_rnn" else 3), model


def play(onnx_file: Path, cases: list[dict]) -> dict:
    """The JavaScript host's notes for each case (tests/js/host_driver.mjs)."""
    request = json.dumps({"onnx": str(onnx_file), "cases": cases, "timed": TIMED_AT})
    done = subprocess.run([NODE, DRIVER], input=request, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def cases_for(z: torch.Tensor, options: DecodeOptions) -> list[dict]:
    """One case per point: generate's options as the host's, and the uniform numbers generate draws for it."""
    rule = {
        "density": options.density,
        "temperature": options.temperature,
        "timingTemperature": options.timing_temperature,
        "poly": options.poly,
        "thresholdMin": options.threshold_min,
        "thresholdMax": options.threshold_max,
    }
    return [
        {
            "z": point.tolist(),
            "options": rule,
            "uniforms": pattern_rng(options, i).random(UNIFORMS_PER_PATTERN).tolist(),
        }
        for i, point in enumerate(z)
    ]


def assert_plays_what_generate_writes(onnx_file: Path, name: str, play_cases) -> None:
    """``play_cases(cases)`` (a JavaScript host's notes per case) writes generate's notes at 6 points, for every
    option set the model's export describes (played in one call, 6 cases per option set in order)."""
    model, _ = RunDir(onnx_file.parent.parent / "run").load_model()
    python_hosts = load_bench("onnx_host_check.py").load_host()  # examples/onnx_host.py as a module
    python_host = python_hosts.open_host(onnx_file)
    z = torch.randn(6, model.latent_dim, generator=torch.Generator().manual_seed(4)) * 1.5
    option_sets = OPTION_SETS + (SEED_OPTION_SETS if name == "seed" else [])
    # every option set's cases in one call: one Node.js process or page load, not one per option set
    every_case = play_cases([case for options in option_sets for case in cases_for(z, options)])
    for k, options in enumerate(option_sets):
        expected = model.decode_notes(z, options)
        assert sum(map(len, expected)) > 20, options  # the comparison sees notes
        played = {part: every_case[part][k * len(z) : (k + 1) * len(z)] for part in ("patterns", "timed")}
        for want, got in zip(expected, played["patterns"], strict=True):
            assert [(n["step"], n["row"]) for n in got] == [(n.step, n.row) for n in want], options
            for field, theirs in (("velocity", "velocity"), ("duration", "duration"), ("offset", "timeshift")):
                np.testing.assert_allclose(
                    [n[field] for n in got],
                    [getattr(n, theirs) for n in want],
                    rtol=0,
                    atol=1e-5,
                    err_msg=f"{field}, {options}",
                )
        for got, timed in zip(played["patterns"], played["timed"], strict=True):  # in seconds, as the Python host
            as_grid = [python_hosts.GridNote(**note) for note in got]
            want = python_host.timed(as_grid, TIMED_AT["tempo"], TIMED_AT["gridOffset"])
            assert [{**n, "start": 0, "end": 0} for n in timed] == [{**n, "start": 0, "end": 0} for n in want]
            for field in ("start", "end"):
                np.testing.assert_allclose([n[field] for n in timed], [n[field] for n in want], rtol=0, atol=2e-6)
        if options.timing_temperature > 0:  # offsets off the grid among the notes: the timing draw is compared too
            assert any(n.timeshift != 0 for notes in expected for n in notes), options


def test_the_javascript_host_plays_what_generate_writes(exported):
    onnx_file, name = exported
    assert_plays_what_generate_writes(onnx_file, name, functools.partial(play, onnx_file))


@pytest.mark.parametrize("exported", ["melody_rnn"], indirect=True)  # the seed export describes every rule
def test_the_javascript_host_refuses_rules_the_step_graph_does_not_describe(exported):
    onnx_file, _ = exported
    cases = [{"z": [0.0, 0.0], "options": {"poly": True}, "uniforms": [0.5] * 64}]
    request = json.dumps({"onnx": str(onnx_file), "cases": cases})
    done = subprocess.run([NODE, DRIVER], input=request, capture_output=True, text=True, timeout=120)
    assert done.returncode != 0 and "need a seed model's export" in done.stderr


def test_the_javascript_command_prints_a_pattern_and_refuses_bad_input(exported):
    onnx_file, _ = exported
    command = [NODE, HOST_FOLDER / "onnx_host.mjs", onnx_file]
    bad_input = [
        (["--z", "1"], "z needs 2 numbers"),
        (["--z", "a,b"], '--z needs finite numbers (within ±3.4e+38) separated by commas, e.g. --z 0.5,-1, got "a,b"'),
        (["--z", "0,0", "--density", "x"], '--density must be a finite number >= 0, got "x"'),
        (["--z", "0,0", "--loud"], 'unknown option "--loud"'),
    ]
    done, *refused = run_together(
        [*command, "--z", "0.5,-1", "--tempo", "90"], *[[*command, *bad] for bad, _ in bad_input]
    )
    assert done.returncode == 0, done.stderr
    notes = [json.loads(line) for line in done.stdout.splitlines()]
    sidecar = json.loads(onnx_file.with_suffix(".json").read_text())
    pitches = range(sidecar["pitch_low"], sidecar["pitch_low"] + sidecar["pitch_classes"])
    assert notes and all(n["pitch"] in pitches and 1 <= n["velocity"] <= 127 for n in notes)
    assert all(0 <= n["start"] < n["end"] <= 32 * 60 / 90 / 4 + 1e-9 for n in notes)  # two bars at 90 bpm
    assert [n["start"] for n in notes] == sorted(n["start"] for n in notes)
    for (bad, message), wrong in zip(bad_input, refused, strict=True):
        assert wrong.returncode == 2 and message in wrong.stderr, (bad, wrong.stderr)
        assert not wrong.stdout


COMMAND_BAD_INPUT = [
    ("model", ["--z", "nan,1"], ["--z needs finite numbers", 'got "nan,1"']),
    ("model", ["--z", "Infinity,1"], ["--z", "finite"]),
    ("model", ["--z", "1e39,1"], ["--z needs finite numbers (within ±3.4e+38)", "got 1e39,1"]),
    # above float32's largest, though float32 rounds it down to it: refused as mvae generate and onnx_host.py do
    ("model", ["--z", "3.4028235e38,1"], ["--z needs finite numbers (within ±3.4e+38)", "got 3.4028235e38,1"]),
    ("model", ["--z", ",", "--tempo", "90"], ["--z needs finite numbers", 'got ","']),
    ("model", ["--z", "0,0", "--tempo", "0"], ["--tempo", "between"]),
    ("model", ["--z", "0,0", "--tempo", ""], ["--tempo", 'got ""']),
    ("model", ["--z", "0,0", "--density", "-1"], ["--density", ">= 0"]),
    ("model", ["--z", "0,0", "--temperature", "-1"], ["--temperature", ">= 0"]),
    ("model", ["--z", "0,0", "--timing-temperature", "Infinity"], ["--timing-temperature", "finite"]),
    ("model", ["--z", "0,0", "--grid-offset", "-1"], ["--grid-offset", ">= 0"]),
    ("model", ["--z", "0,0", "--threshold-max", "2"], ["--threshold-max", "between 0 and 1"]),
    ("model", ["--z", "0,0", "--threshold-min", "0.6", "--threshold-max", "0.4"], ["--threshold-min", "above"]),
    ("model", ["--z", "0.5", "-1", "2"], ["--z needs 2 numbers (the model's latent_dim), got 3"]),
    ("missing", ["--z", "0,0"], ["missing.onnx", "no such file", "mvae export"]),
    ("sidecar", ["--z", "0,0"], ["decoder.json is the sidecar", "pass the model", "decoder.onnx"]),
]
"""(file given, options, what the one line on stderr says): bad command lines of onnx_host.mjs."""


@pytest.mark.parametrize("exported", ["melody_rnn"], indirect=True)
@pytest.mark.parametrize(("given", "options", "says"), COMMAND_BAD_INPUT, ids=[s[0] for _, _, s in COMMAND_BAD_INPUT])
def test_the_javascript_command_refuses_bad_input_with_one_line(exported, given, options, says):
    onnx_file, _ = exported
    file = {
        "model": onnx_file,
        "sidecar": onnx_file.with_suffix(".json"),
        "missing": onnx_file.with_name("missing.onnx"),
    }
    command = [NODE, HOST_FOLDER / "onnx_host.mjs", file[given], *options]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, (done.returncode, done.stderr)
    assert not done.stdout and "    at " not in done.stderr, done.stderr  # no stack trace
    assert len(done.stderr.splitlines()) == 1 and all(part in done.stderr for part in says), done.stderr


class StaticFiles(SimpleHTTPRequestHandler):
    """Serves a folder, with the types a module page needs (``.mjs`` as JavaScript, ``.wasm`` as WebAssembly)."""

    extensions_map: ClassVar[dict[str, str]] = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".mjs": "text/javascript",
        ".wasm": "application/wasm",
    }

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the test reports what matters."""


@contextmanager
def serving(folder: Path) -> Iterator[str]:
    """``folder`` over HTTP on 127.0.0.1 at a free port (stopped on exit); yields its URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(StaticFiles, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@needs_browser
@pytest.mark.skipif(not ORT_WEB.is_dir(), reason=f"onnxruntime-web is not installed: run `npm ci` in {HOST_FOLDER}")
def test_the_same_host_plays_what_generate_writes_in_a_browser(exported, shared_browser, tmp_path):
    from selenium.webdriver.support.wait import WebDriverWait

    browser = shared_browser  # one Chromium for both models' exports

    onnx_file, name = exported
    site = tmp_path / "site"
    (site / "host").mkdir(parents=True)
    shutil.copy(PAGE, site / "index.html")
    shutil.copy(PAGE.with_name("play_cases.mjs"), site)
    shutil.copy(HOST_FOLDER / "onnx_host.mjs", site / "host")
    (site / "ort").symlink_to(ORT_WEB, target_is_directory=True)
    for export_file in (onnx_file, onnx_file.with_suffix(".json")):
        shutil.copy(export_file, site)

    def in_the_browser(cases: list[dict]) -> dict:
        (site / "request.json").write_text(json.dumps({"cases": cases, "timed": TIMED_AT}))
        browser.get(url)
        done = "return window.hostResult !== undefined || window.hostError !== undefined"
        WebDriverWait(browser, 60, poll_frequency=0.1).until(lambda driver: driver.execute_script(done))
        error = browser.execute_script("return window.hostError")
        assert error is None, f"{error}\n{browser.get_log('browser')}"
        return browser.execute_script("return window.hostResult")

    with serving(site) as url:
        assert_plays_what_generate_writes(onnx_file, name, in_the_browser)


def test_the_javascript_command_answers_help_with_its_usage():
    """``node onnx_host.mjs --help``, a first try: the usage on stdout and exit 0 (it was ``error: unknown argument
    --help``, exit 2)."""
    flags = ("--help", "-h")
    helped = run_together(*[[NODE, HOST_FOLDER / "onnx_host.mjs", flag] for flag in flags])
    for flag, done in zip(flags, helped, strict=True):
        assert done.returncode == 0 and done.stdout.startswith("usage: node onnx_host.mjs decoder.onnx --z"), flag
        assert "JSON lines" in done.stdout and not done.stderr, flag
