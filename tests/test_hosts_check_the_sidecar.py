"""Both ONNX hosts check the sidecar when they open the graph and refuse a bad one with the same one line, exit 2:
one without a field the host reads, one beside another export's graph (its input or output names differ), one of a
newer mvae format. Before, the JavaScript host printed a TypeError's stack for a sidecar without ``tokens`` or
``timing``, played notes in silence without ``tokens.pitch_min_p`` (a NaN floor: no min-p filter), and both hosts
ended in onnxruntime's traceback for a graph beside another export's sidecar; a newer export was called "not the
sidecar of an mvae export"."""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.bench import load_bench
from tests.side_by_side import run_together

ROOT = Path(__file__).resolve().parents[1]
JS_FOLDER = ROOT / "examples" / "onnx_host_js"
NODE = shutil.which("node")
HOST = load_bench("onnx_host_check.py").load_host()  # examples/onnx_host.py as a module
MADE_BY = "pass the decoder.onnx that `mvae export RUN --onnx decoder.onnx` writes, its sidecar beside it"
ANOTHER_GRAPH = "keep the sidecar its export wrote beside the graph, or export again"


def without(path: str) -> Callable[[dict], None]:
    """An edit of a sidecar that deletes the field at the dotted ``path``."""

    def edit(sidecar: dict) -> None:
        *parents, last = path.split(".")
        for key in parents:
            sidecar = sidecar[key]
        del sidecar[last]

    return edit


def seed_sidecar(sidecar: dict) -> None:
    """A seed export's description beside the step graph (the copied-over-the-wrong-one case)."""
    sidecar["format"] = "mvae-decoder-onnx/1"
    sidecar["inputs"] = {"z": sidecar["inputs"]["z"]}


CASES = [
    (without("tokens"), f"not the sidecar of an mvae export (tokens.start is missing or not a number); {MADE_BY}"),
    (
        without("tokens.pitch_min_p"),
        f"not the sidecar of an mvae export (tokens.pitch_min_p is missing or not a number); {MADE_BY}",
    ),
    (
        lambda s: s["tokens"].update(pitch_min_p="0.1"),
        f"not the sidecar of an mvae export (tokens.pitch_min_p is missing or not a number); {MADE_BY}",
    ),
    (without("timing"), f"not the sidecar of an mvae export (timing is missing or not an object); {MADE_BY}"),
    (
        without("timing.centers"),
        f"not the sidecar of an mvae export (timing.centers is missing or not a list of numbers); {MADE_BY}",
    ),
    (
        seed_sidecar,
        f"not the sidecar of this graph (the graph's inputs: z, token, state, step; the sidecar's: z): {ANOTHER_GRAPH}",
    ),
    (
        without("outputs.timing_mean"),
        "not the sidecar of this graph (the graph's outputs: token_probs, next_state, velocity, duration, "
        "timing_probs, timing_mean; the sidecar's: token_probs, next_state, velocity, duration, timing_probs): "
        + ANOTHER_GRAPH,
    ),
    (
        lambda s: s.update(format="mvae-step-onnx/2"),
        'format "mvae-step-onnx/2" is a newer mvae export than this host reads (it reads mvae-step-onnx/1, '
        "mvae-decoder-onnx/1): play it with the host of the mvae that exported it, or export the run with this "
        "host's mvae",
    ),
    (
        lambda s: s.update(format="other/1"),
        'not the sidecar of an mvae export (format "other/1"; this host reads mvae-step-onnx/1, mvae-decoder-onnx/1); '
        + MADE_BY,
    ),
]
"""(an edit of the tiny export's sidecar, the line each host refuses it with after ``PROGRAM: error: SIDECAR: ``)."""


@pytest.fixture(scope="module")
def bad_exports(tiny_export: Path, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The tiny export's graph with each case's sidecar beside it, one folder per case."""
    sidecar = json.loads(tiny_export.with_suffix(".json").read_text(encoding="utf-8"))
    files = []
    for k, (edit, _) in enumerate(CASES):
        folder = tmp_path_factory.mktemp(f"bad-sidecar-{k}")
        shutil.copy(tiny_export, folder / "decoder.onnx")
        changed = json.loads(json.dumps(sidecar))
        edit(changed)
        (folder / "decoder.json").write_text(json.dumps(changed), encoding="utf-8")
        files.append(folder / "decoder.onnx")
    return files


def test_the_python_host_refuses_a_bad_sidecar_in_one_line(bad_exports, monkeypatch, capsys):
    for onnx_file, (_, says) in zip(bad_exports, CASES, strict=True):
        monkeypatch.setattr(sys, "argv", ["onnx_host.py", str(onnx_file), "--z", "0.5,-1", "--seed", "1"])
        with pytest.raises(SystemExit) as stopped:
            HOST.main()
        out, err = capsys.readouterr()
        assert (stopped.value.code, out, err) == (
            2,
            "",
            f"onnx_host.py: error: {onnx_file.with_suffix('.json')}: {says}\n",
        )
        with pytest.raises(HOST.BadSidecar, match="^" + says.split(" (")[0]):  # as a module: the same refusal
            HOST.open_host(onnx_file)


@pytest.mark.skipif(NODE is None, reason="Node.js is not installed (apt-get install nodejs npm)")
@pytest.mark.skipif(
    not (JS_FOLDER / "node_modules" / "onnxruntime-node").is_dir(),
    reason=f"the JavaScript host's packages are not installed: run `npm ci --ignore-scripts` in {JS_FOLDER}",
)
def test_the_javascript_host_refuses_it_with_the_same_line(bad_exports):
    done = run_together(
        *[[NODE, JS_FOLDER / "onnx_host.mjs", file, "--z", "0.5,-1", "--seed", "1"] for file in bad_exports]
    )
    for onnx_file, (_, says), answer in zip(bad_exports, CASES, done, strict=True):
        expected = f"onnx_host.mjs: error: {onnx_file.with_suffix('.json')}: {says}\n"
        assert (answer.returncode, answer.stdout, answer.stderr) == (2, "", expected)
    script = (  # as a module: openHost throws a BadSidecar
        f"import {{ openNodeHost, BadSidecar }} from {json.dumps((JS_FOLDER / 'onnx_host.mjs').as_uri())};"
        f"try {{ await openNodeHost({json.dumps(str(bad_exports[1]))}); }}"
        "catch (error) { console.log(error instanceof BadSidecar, error.message); }"
    )
    (answer,) = run_together([NODE, "--input-type=module", "-e", script])
    assert answer.stdout == f"true {CASES[1][1]}\n", answer.stderr
