"""examples/onnx_host.py without onnxruntime says what to install and exits 2, instead of a ModuleNotFoundError
traceback: ``mvae[onnx]`` exports a decoder but brings no runtime, and ``mvae export`` prints this host's command."""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

HOST = Path(__file__).resolve().parents[1] / "examples" / "onnx_host.py"
WITHOUT_RUNTIME = (
    "import runpy, sys; sys.modules['onnxruntime'] = None; sys.argv = [sys.argv[1], '--help']; "
    "runpy.run_path(sys.argv[0], run_name='__main__')"
)


def test_the_host_without_onnxruntime_names_the_install_command() -> None:
    done = subprocess.run([sys.executable, "-c", WITHOUT_RUNTIME, str(HOST)], capture_output=True, text=True)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert (
        done.stderr
        == f"onnx_host.py: error: onnxruntime is not installed: {shlex.quote(sys.executable)} -m pip install onnxruntime\n"
    )


def test_the_install_command_runs_from_a_python_whose_path_has_a_space(tmp_path: Path) -> None:
    """The command is pasted into a shell: a Python under a folder with a space is quoted (it was split there)."""
    venv = tmp_path / "my projects" / "venv"
    venv.parent.mkdir()
    venv.symlink_to(Path(sys.prefix), target_is_directory=True)  # this venv, reached through a path with a space
    python = venv / "bin" / Path(sys.executable).name
    done = subprocess.run([str(python), "-c", WITHOUT_RUNTIME, str(HOST)], capture_output=True, text=True)
    assert done.returncode == 2, done.stderr
    command = done.stderr.split("onnxruntime is not installed: ")[1]
    assert shlex.split(command)[0] == str(python), command
