"""Setting up the JavaScript host as its pages show it: docs/tools.md's and examples/onnx_host_js/README.md's shell
blocks run as shown from the repository's folder, after ``mvae export runs/solos --onnx decoder.onnx`` there (npm
stubbed: the packages are installed already, and a test does not reinstall 450 MB), and a copy of the host where
onnxruntime-node is not installed says how to install it in one line, exit 2, as the Python host does for
onnxruntime. Before, tools.md's ``cd examples/onnx_host_js && npm ci`` left the shell in that folder, so its next
line did not find the decoder.onnx the export had written (exit 2), and a host without its package died with Node's
ERR_MODULE_NOT_FOUND stack, exit 1."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.test_docs_commands import shell_blocks

ROOT = Path(__file__).resolve().parents[1]
JS_FOLDER = ROOT / "examples" / "onnx_host_js"
NODE = shutil.which("node")
needs_node = pytest.mark.skipif(NODE is None, reason="Node.js is not installed (apt-get install nodejs npm)")
needs_packages = pytest.mark.skipif(
    not (JS_FOLDER / "node_modules" / "onnxruntime-node").is_dir(),
    reason=f"the JavaScript host's packages are not installed: run `npm ci --ignore-scripts` in {JS_FOLDER}",
)
NPM_STUB = 'npm() { printf "%s %s\\n" "$(pwd)" "$*" >> "$NPM_LOG"; }\n'
"""npm as a shell function that records where it ran and with what (every other line runs as shown)."""


def host_blocks(page: Path) -> list[str]:
    """The shell blocks of ``page`` that install or run the JavaScript host."""
    return [block for block in shell_blocks(page.read_text(encoding="utf-8")) if "onnx_host_js" in block]


def run_as_shown(block: str, folder: Path) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    """``block`` run by bash in ``folder`` (a checkout's layout: ``examples`` is this checkout's), stopping at the
    first failing line; its result and the npm commands it ran (``FOLDER ARGUMENTS``, folder relative)."""
    log = folder / "npm.log"
    log.write_text("", encoding="utf-8")
    done = subprocess.run(
        ["bash", "-e", "-c", NPM_STUB + block],
        cwd=folder,
        env={**os.environ, "NPM_LOG": str(log)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    npm = [line.replace(f"{folder}/", "").replace(str(folder), ".") for line in log.read_text().splitlines()]
    return done, npm


@pytest.fixture
def checkout(tmp_path: Path, tiny_export: Path) -> Path:
    """A folder laid out as the pages assume: this checkout's ``examples`` and the export's two files."""
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    for file in (tiny_export, tiny_export.with_suffix(".json")):
        shutil.copy(file, tmp_path / file.name)
    return tmp_path


def notes_of(stdout: str) -> list[dict]:
    notes = [json.loads(line) for line in stdout.splitlines()]
    assert notes and all(set(note) == {"pitch", "velocity", "start", "end", "step"} for note in notes), stdout
    return notes


@needs_node
@needs_packages
def test_tools_md_installs_and_runs_the_host_as_shown(checkout):
    (block,) = host_blocks(ROOT / "docs" / "tools.md")
    done, npm = run_as_shown(block, checkout)
    assert done.returncode == 0, done.stderr
    assert npm == ["examples/onnx_host_js ci --ignore-scripts"]
    notes_of(done.stdout)


@needs_node
@needs_packages
def test_the_host_s_readme_installs_and_runs_it_as_shown(checkout):
    readme = JS_FOLDER / "README.md"
    install, play = host_blocks(readme)
    done, npm = run_as_shown(install, checkout)
    assert done.returncode == 0 and npm == ["examples/onnx_host_js ci --ignore-scripts"], done.stderr
    done, _ = run_as_shown(play, checkout)
    assert done.returncode == 0, done.stderr
    assert len(play.splitlines()) == 2 and len([line for line in done.stdout.splitlines() if line]) >= 1
    (snippet,) = re.findall(r"```js\n(.*?)```", readme.read_text(encoding="utf-8"), flags=re.S)
    script = checkout / "snippet.mjs"  # beside a real copy of the host: it imports "./onnx_host.mjs"
    script.write_text(snippet, encoding="utf-8")
    (checkout / "onnx_host.mjs").symlink_to(JS_FOLDER / "onnx_host.mjs")  # Node.js finds the packages from its target
    done = subprocess.run([NODE, script], cwd=checkout, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and not done.stderr, done.stderr


@needs_node
def test_a_copy_of_the_host_without_onnxruntime_node_says_how_to_install_it(tmp_path, tiny_export):
    folder = tmp_path / "my patch"  # a space: the command quotes the folder
    folder.mkdir()
    shutil.copy(JS_FOLDER / "onnx_host.mjs", folder)
    done = subprocess.run(
        [NODE, "onnx_host.mjs", tiny_export, "--z", "0.5,-1"], cwd=folder, capture_output=True, text=True, timeout=120
    )
    version = json.loads((JS_FOLDER / "package.json").read_text(encoding="utf-8"))["dependencies"]["onnxruntime-node"]
    install = f"cd {shlex.quote(str(folder))} && npm install onnxruntime-node@{version} --ignore-scripts"
    assert (done.returncode, done.stdout, done.stderr) == (
        2,
        "",
        f"onnx_host.mjs: error: onnxruntime-node is not installed: {install}\n",
    )
    script = (  # as a module: openNodeHost throws a MissingRuntime with the same message
        'import { openNodeHost, MissingRuntime } from "./onnx_host.mjs";'
        f"try {{ await openNodeHost({json.dumps(str(tiny_export))}); }}"
        "catch (error) { console.log(error instanceof MissingRuntime, error.message); }"
    )
    (folder / "module.mjs").write_text(script, encoding="utf-8")
    done = subprocess.run([NODE, "module.mjs"], cwd=folder, capture_output=True, text=True, timeout=120)
    assert done.stdout == f"true onnxruntime-node is not installed: {install}\n", done.stderr
