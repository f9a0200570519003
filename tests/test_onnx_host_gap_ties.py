"""Both ONNX hosts keep a note exactly the no-click gap after a held onset of its step apart from it, as a file does:
above 375 bpm the gap is half a step, so at grid offset 2 (offsets clipped to their windows' edges) an early note
held from the window's shared edge onto its step and a late note of that step at its window's far edge are exactly
the gap apart. In seconds that sum came out a rounding error above the late start, and the hosts joined the late note
to the early one (half a step early, a chord the file does not have) at 13 of 30 steps at 800 bpm."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from mvae_core.config import DataConfig, MvaeConfig
from mvae_core.generation import DecodeOptions, Note
from mvae_core.loop_file import loop_notes_json, timed_notes
from tests.bench import load_bench

pytest.importorskip("onnxruntime", reason="examples/onnx_host.py needs onnxruntime")

# Rows MIDI 48..71, which these expectations assume (the default, "auto", chooses from the data)
CFG = MvaeConfig(data=DataConfig(pitch_low=48))
JS_HOST = Path(__file__).resolve().parents[1] / "examples" / "onnx_host_js" / "onnx_host.mjs"
NODE = shutil.which("node")
SIDECAR = {
    "steps": 32,
    "max_duration_steps": CFG.data.max_duration_steps,
    "pitch_low": CFG.data.pitch_low,
    "timing": {},
}
CASES = [
    ([Note(k - 1, 0, 0.8, 0.0, 1.0), Note(k, 1, 0.8, 0.0, -1.0), Note(k, 2, 0.8, 0.0, 1.0)], bpm)
    for k in range(1, 31)
    for bpm in (400.0, 800.0, 999.0)
]


def assert_as_written(played: list[dict], loop: list[Note], bpm: float) -> None:
    notes = loop_notes_json(timed_notes([loop], CFG, DecodeOptions(grid_offset=2.0, tempo=bpm)), bpm)
    by_pitch = {n["pitch"]: n["start"] for n in notes}
    assert {n["pitch"]: n["start"] for n in played} == pytest.approx(by_pitch, abs=2e-6), (loop[1].step, bpm)


def test_the_python_host_starts_notes_the_gap_apart_as_the_file_does() -> None:
    module = load_bench("onnx_host_check.py").load_host()
    host = object.__new__(module.PatternHost)  # only the timing: no graph needed
    host.sidecar, host.steps = SIDECAR, SIDECAR["steps"]
    for loop, bpm in CASES:
        assert_as_written(host.timed([module.GridNote(*n) for n in loop], bpm, 2.0), loop, bpm)


@pytest.mark.skipif(NODE is None, reason="Node.js is not installed (apt-get install nodejs npm; .ci/run does)")
def test_the_javascript_host_starts_notes_the_gap_apart_as_the_file_does() -> None:
    script = (
        f"import {{ PatternHost }} from {json.dumps(JS_HOST.as_uri())};"
        "let input = ''; for await (const chunk of process.stdin) input += chunk;"
        "const r = JSON.parse(input); const host = new PatternHost(null, null, r.sidecar);"
        "console.log(JSON.stringify(r.cases.map(([notes, bpm]) => host.timed(notes, { tempo: bpm, gridOffset: 2 }))));"
    )
    cases = [
        ([dict(zip(("step", "row", "velocity", "duration", "offset"), n, strict=True)) for n in loop], bpm)
        for loop, bpm in CASES
    ]
    done = subprocess.run([NODE, "--input-type=module", "-e", script], input=json.dumps({"sidecar": SIDECAR, "cases": cases}),
                          capture_output=True, text=True, timeout=60)  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    for (loop, bpm), played in zip(CASES, json.loads(done.stdout), strict=True):
        assert_as_written(played, loop, bpm)
