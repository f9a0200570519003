"""The example model package examples/mvae-wide-seed, as a user meets it: pip installs it (offline) into a folder on
the path, and the ``mvae`` command line lists its model with its setting, trains a tiny run of it, resumes,
generates, evaluates, plays it live and refuses a bad ``[model.wide_seed]`` setting with exit 2 naming it; its ONNX
export is checked up to the tracing.

The command line runs in this process (the package's folder on ``sys.path``, as on ``PYTHONPATH``), which is how
mvae discovers an installed entry point too, and is seconds faster than a ``mvae`` process per command. The
example's own tests (``examples/mvae-wide-seed/tests``) that need no training run here too; its training test, with
a real ONNX export (5–20 s), runs as its README says.
"""

from __future__ import annotations

import importlib.util
import inspect
import json
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import torch
from typer.testing import CliRunner, Result

import mvae_core
from mvae_core.cli import app
from mvae_core.loop_file import loop_notes_json, timed_notes
from mvae_core.models.onnx import BATCH
from mvae_core.serve.engine import Engine
from mvae_core.serve.server import LiveServer
from mvae_core.tools.export import describe
from tests import test_docs_commands as docs_commands  # a module: its test functions are not collected here
from tests.package_install import skip_if_installed

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "mvae-wide-seed"
VERSION = tomllib.loads((EXAMPLE / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
TINY = ["--set", "model.hidden=32", "--set", "train.batch_size=16", "--set", "data.transpositions=[-5, 5]"]
WIDE = ["--set", "model.name=wide_seed", "--set", "model.wide_seed.width=3"]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The example installed by pip into a folder that is on ``sys.path`` for this module's tests, as on a user's
    ``PYTHONPATH``; its module is unloaded afterwards."""
    skip_if_installed("mvae-wide-seed")
    root = tmp_path_factory.mktemp("wide_seed")
    # pip builds a source folder in place (build/, *.egg-info): build a copy, never the example in the repository
    package = shutil.copytree(EXAMPLE, root / "mvae-wide-seed", ignore=shutil.ignore_patterns(".*", "__pycache__"))
    pip = [sys.executable, "-m", "pip", "install", "--no-deps", "--no-build-isolation", "--no-index", "--no-cache-dir"]
    pip += ["--disable-pip-version-check", "--quiet", "--target", str(root / "site"), str(package)]
    result = subprocess.run(pip, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"offline pip install failed (is setuptools installed?):\n{result.stderr}"
    assert not result.stderr, result.stderr  # an author copying the package gets no deprecation box in every build
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(root / "site"))
        yield root / "site"
    sys.modules.pop("mvae_wide_seed", None)


def mvae(*args: object) -> Result:
    return CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def run(site: Path, synth_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One tiny training of ``wide_seed`` through ``mvae train`` (1 epoch), shared by the tests that use a run."""
    out = tmp_path_factory.mktemp("wide_seed_run") / "run"
    result = mvae("train", synth_dir, *TINY, *WIDE, "--epochs", 1, "--out", out)
    assert result.exit_code == 0, result.output
    return out


def test_mvae_models_lists_the_package_model_with_its_setting(site, wide_console):
    listed = {entry["name"]: entry for entry in json.loads(mvae("models", "--json").output)}
    wide = listed["wide_seed"]
    assert wide["origin"] == "package mvae-wide-seed" and wide["version"] == VERSION and wide["error"] is None
    [width] = wide["settings"]
    assert (width["name"], width["type"], width["default"]) == ("width", "int", 4)
    assert "multiple of model.hidden" in width["description"]
    table = mvae("models")
    assert table.exit_code == 0 and "package mvae-wide-seed" in table.output and "[model.wide_seed]" in table.output


def test_a_run_of_the_package_model_resumes_generates_and_evaluates(run, synth_dir, tmp_path):
    config = tomllib.loads((run / "config.toml").read_text(encoding="utf-8"))
    assert config["model"]["name"] == "wide_seed" and config["model"]["wide_seed"] == {"width": 3}
    assert config["provenance"]["versions"]["model.wide_seed"] == VERSION
    resumed = mvae("train", "--resume", run, "--epochs", 2)
    assert resumed.exit_code == 0, resumed.output
    assert [r["epoch"] for r in mvae_core.load(run).metrics()] == [0, 1]
    generated = mvae("generate", run, "--random", 2, "--out", tmp_path / "samples")
    assert generated.exit_code == 0, generated.output
    assert len(list((tmp_path / "samples").glob("*.mid"))) == 2
    evaluated = mvae("evaluate", run, synth_dir, "--samples", 16, "--json")
    assert evaluated.exit_code == 0, evaluated.output
    assert json.loads(evaluated.stdout)["latent"]["latent_dim"] == 2


def test_the_package_models_export_graph_computes_the_outputs_its_sidecar_describes(run):
    """What ``mvae export --onnx`` traces and describes, without the tracing: torch's exporter takes 5–20 s here, and
    the graph is the seed's (exported for real by tests/test_models.py and by the example's own tests)."""
    loaded = mvae_core.load(run)
    graph = loaded.model.eval().onnx_graph(loaded.config)
    sidecar = describe(loaded.config, graph, "decoder.onnx", {})
    assert sidecar["model"] == "wide_seed" and sidecar["format"] == "mvae-decoder-onnx/1"
    [z] = [spec.example for spec in graph.inputs.values()]
    with torch.no_grad():
        outputs = graph.module.eval()(z)
    for tensor, spec in zip(outputs, sidecar["outputs"].values(), strict=True):
        assert list(tensor.shape) == [len(z) if size == BATCH else size for size in spec["shape"]]


def test_mvae_serve_plays_the_package_models_notes(run):
    with LiveServer(run, port=0) as live, httpx.Client(base_url=live.url, timeout=30) as client:
        answer = client.post("/api/generate", json={"z": [0.5, -1.0], "seed": 7})
    assert answer.status_code == 200, answer.text
    loaded, request = mvae_core.load(run), Engine(run).request({"z": [0.5, -1.0], "seed": 7})
    notes = loaded.player().notes([0.5, -1.0], request.options())
    assert notes and answer.json()["notes"] == loop_notes_json(
        timed_notes([notes], loaded.config, request.options()), 120.0
    )


def test_a_run_of_the_package_model_where_the_package_is_not_installed_names_the_model_and_its_version(
    run, site, monkeypatch, tmp_path
):
    monkeypatch.setattr(sys, "path", [entry for entry in sys.path if entry != str(site)])  # as after pip uninstall
    result = mvae("generate", run, "--random", 1, "--out", tmp_path / "samples")
    assert result.exit_code == 2, result.output
    assert (
        "unknown model 'wide_seed'; did you mean 'seed'? If 'wide_seed' is a model of a package, install it"
        in result.stderr
    )
    said = " ".join(result.stderr.split())  # what to install, from the run's [provenance.packages]
    assert f"was trained with model 'wide_seed' {VERSION} (not installed: pip install mvae-wide-seed)" in said


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("model.wide_seed.width=2", "error: model.wide_seed.width = 2: Input should be greater than or equal to 3"),
        ("model.wide_seed.widht=5", "error: model.wide_seed.widht = 5: unknown setting; did you mean model.wide_seed.width?"),
        ("loss.mask=all", "error: loss.mask = 'all': wide_seed learns velocity, duration and timing at the notes only"),
    ],
)  # fmt: skip
def test_a_bad_setting_of_the_package_model_exits_2_naming_it(site, synth_dir, tmp_path, setting, message):
    result = mvae("train", synth_dir, *TINY, "--set", "model.name=wide_seed", "--set", setting, "--out", tmp_path / "r")
    assert result.exit_code == 2 and message in result.stderr, result.output
    assert not (tmp_path / "r").exists()


def test_a_bad_setting_in_the_package_models_config_section_exits_2_naming_it(site, synth_dir, tmp_path):
    config = tmp_path / "wide.toml"
    config.write_text('[model]\nname = "wide_seed"\n\n[model.wide_seed]\nwidth = "wide"\n', encoding="utf-8")
    result = mvae("train", synth_dir, "--config", config, "--out", tmp_path / "r")
    assert result.exit_code == 2, result.output
    assert "error: model.wide_seed.width = 'wide': Input should be a valid integer" in result.stderr
    assert not (tmp_path / "r").exists()


def test_the_examples_own_tests_without_a_training_pass_here(site):
    """The example's tests that take no fixture (its settings, the registry's check of its class, mvae's contract
    checks on a built model), called in this process: a change of mvae that breaks the example fails mvae's suite.
    Its training test, with a real ONNX export, runs as its README says."""
    spec = importlib.util.spec_from_file_location("wide_seed_own_tests", EXAMPLE / "tests" / "test_wide_seed.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    tests = [test for name, test in vars(module).items() if name.startswith("test_") and callable(test)]
    without_fixtures = [test for test in tests if not inspect.signature(test).parameters]
    assert len(without_fixtures) >= 3, [test.__name__ for test in tests]
    for test in without_fixtures:
        test()


def readme_lines(*starts: str) -> list[str]:
    """The example README's shell lines that start with one of ``starts``, continuation lines joined."""
    text = (EXAMPLE / "README.md").read_text(encoding="utf-8")
    lines = [
        line.strip() for block in docs_commands.shell_blocks(text) for line in block.replace("\\\n", " ").splitlines()
    ]
    return [line for line in lines if line.startswith(starts)]


def test_the_readme_commands_name_existing_commands_and_options():
    lines = readme_lines("mvae ")
    assert len(lines) >= 7
    for line in lines:
        docs_commands.test_documented_command_uses_existing_options(f"examples/mvae-wide-seed/README.md: {line}", line)
