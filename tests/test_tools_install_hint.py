"""A missing extra names a command that installs it into the Python running mvae (tools.install_command).

After `make demo`, mvae runs as `.venv/bin/mvae` from a checkout: a bare `pip install 'mvae[onnx]'` is another
Python's pip (the system's), which asks the index for a package named mvae and finds none. The venv's own pip sees
the installed mvae and adds only the extra's packages.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mvae_core import cli
from mvae_core.tools import install_advice, install_command


def one_line(text: str) -> str:
    return " ".join(text.split())


def test_the_command_names_the_interpreter_running_mvae_relative_to_the_working_directory(tmp_path, monkeypatch):
    checkout = tmp_path / "my music"
    python = checkout / ".venv" / "bin" / "python3"
    python.parent.mkdir(parents=True)
    monkeypatch.setattr(sys, "executable", str(python))
    monkeypatch.chdir(checkout)
    assert install_command("mvae[onnx]") == ".venv/bin/python3 -m pip install 'mvae[onnx]'"
    monkeypatch.chdir(python.parent)  # a bare python3 would be looked up on the PATH
    assert install_command("mvae[plot]") == "./python3 -m pip install 'mvae[plot]'"
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")  # outside: the absolute path, quoted for the shell (a space in it)
    assert shlex.split(install_command("mvae[serve]")) == [str(python), "-m", "pip", "install", "mvae[serve]"]


def test_a_tool_without_its_extra_exits_2_naming_this_pythons_pip(tiny_run, tmp_path, monkeypatch):
    find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "matplotlib" else find_spec(name, *a)
    )
    monkeypatch.chdir(tmp_path)  # outside the venv: its python by its absolute path
    result = CliRunner().invoke(cli.app, ["plot", str(tiny_run), "--out", str(tmp_path / "c.png")])
    assert result.exit_code == 2
    assert f"matplotlib not installed; install {install_advice('plot')}" in one_line(result.output)
    assert f"{shlex.quote(sys.executable)} -m pip install 'mvae[plot]'" in one_line(result.output)


def test_corpus_essen_without_music21_names_this_pythons_pip(tmp_path, monkeypatch, wide_console):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setitem(sys.modules, "music21", None)  # makes `import music21` raise ImportError
    result = CliRunner().invoke(cli.app, ["data", "inspect", "corpus:essen"])
    assert result.exit_code == 2
    assert f"{shlex.quote(sys.executable)} -m pip install 'mvae[corpus]'" in one_line(result.output)


def test_the_command_runs_as_printed_against_the_installed_mvae(tmp_path, monkeypatch):
    """The printed command, offline (--no-index) and without installing (--dry-run): its pip finds mvae installed
    (no index holds it) with the plot extra's packages, which the test environment has."""
    # pip asked for by distribution, not find_spec("pip"): setuptools' distutils hack answers that one, and warns
    # "Setuptools is replacing distutils" in a process that has imported distutils
    if not _installed("pip") or importlib.util.find_spec("matplotlib") is None:
        pytest.skip("the test environment's Python has no pip or no matplotlib (the plot extra)")
    if not _installed("mvae"):
        pytest.skip("mvae is not installed (run from its source folder): pip has no mvae to add the extra to")
    monkeypatch.chdir(tmp_path)
    command = [*shlex.split(install_command("mvae[plot]")), "--dry-run", "--no-index", "--quiet"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=Path.cwd())
    assert done.returncode == 0, done.stdout + done.stderr


def _installed(distribution: str) -> bool:
    try:
        importlib.metadata.distribution(distribution)
    except importlib.metadata.PackageNotFoundError:
        return False
    return True


@pytest.fixture(scope="module")
def exported(tiny_run: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    if importlib.util.find_spec("onnxscript") is None:
        pytest.skip("the onnx extra is not installed: exporting needs it")
    return tiny_run, tmp_path_factory.mktemp("export") / "decoder.onnx"


def test_the_export_says_how_to_install_the_hosts_runtime_when_it_is_missing(exported, monkeypatch):
    """`make demo` then `pip install 'mvae[onnx]'` exports, but the next line's host ended in ModuleNotFoundError:
    onnxruntime is not in the onnx extra."""
    run, onnx = exported
    find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "onnxruntime" else find_spec(name, *a)
    )
    monkeypatch.chdir(onnx.parent)
    result = CliRunner().invoke(cli.app, ["export", str(run), "--onnx", str(onnx)])
    assert result.exit_code == 0, result.output
    next_line = one_line(result.output.split("next: ", 1)[1])
    assert next_line.endswith(f"; the host needs onnxruntime, not installed here: {install_command('onnxruntime')}")
    assert f"{shlex.quote(sys.executable)} -m pip install onnxruntime" in next_line


def test_the_export_names_no_install_when_the_runtime_is_there(exported, monkeypatch):
    if importlib.util.find_spec("onnxruntime") is None:
        pytest.skip("onnxruntime is not installed (the dev extra brings it)")
    run, onnx = exported
    result = CliRunner().invoke(cli.app, ["export", str(run), "--onnx", str(onnx.with_name("again.onnx"))])
    assert result.exit_code == 0, result.output
    assert one_line(result.output).endswith("--z 0.5,-1 (JavaScript: examples/onnx_host_js/; docs/tools.md)")


def test_ablate_on_ray_without_ray_names_this_pythons_pip(tmp_path, monkeypatch):
    from mvae_core.ablation.ray_executor import RayUnavailable, joined

    monkeypatch.chdir(tmp_path)
    monkeypatch.setitem(sys.modules, "ray", None)  # makes `import ray` raise ImportError
    with pytest.raises(RayUnavailable) as refused, joined(None):
        pass
    assert f"'ray' needs Ray: install the 'ray' extra: {shlex.quote(sys.executable)} -m pip install 'mvae[ray]'" in str(
        refused.value
    )
