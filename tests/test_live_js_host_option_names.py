"""The JavaScript ONNX host refuses an option name it does not know, naming it and the option meant: the JSON API's
`grid_offset`, the hosts' former `bpm`, and for the names a user of the command line tries, where to write them
(``seed`` is ``random: seededRandom(seed)``; an option of the other method names the call that takes it). Before,
`host.timed(notes, { tempo: 90 })` (tempo was bpm then) played the loop at 120 bpm and `{ grid_offset: 0 }` on the
learned timing, without a word; later, ``seed`` and ``tempo`` given to ``pattern`` were refused with the list of
options alone."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
JS_HOST = ROOT / "examples" / "onnx_host_js"
NODE = shutil.which("node")
PATTERN_OPTIONS = "density, temperature, timingTemperature, poly, thresholdMin, thresholdMax, random"

pytestmark = [
    pytest.mark.skipif(NODE is None, reason="Node.js is not installed (apt-get install nodejs npm; .ci/run does)"),
    pytest.mark.skipif(
        not (JS_HOST / "node_modules" / "onnxruntime-node").is_dir(),
        reason=f"the JavaScript host's packages are not installed: run `npm ci --ignore-scripts` in {JS_HOST}",
    ),
]


def _answers(export: Path, first: str, calls: list[str]) -> list:
    """What the host of ``export`` answers: the JavaScript expression ``first`` (with ``host`` and ``notes``, a
    pattern at z = (0.5, -1)), then each of ``calls`` ("played", or the error it threw, as ``Name: message``)."""
    script = f"""
    import {{ openNodeHost }} from {json.dumps(str(JS_HOST / "onnx_host.mjs"))};
    const host = await openNodeHost({json.dumps(str(export))});
    const notes = await host.pattern([0.5, -1], {{ density: 1, timingTemperature: 1, random: Math.random }});
    const answers = [{first}];
    for (const call of [{", ".join(f"() => {call}" for call in calls)}]) {{
      try {{ await call(); answers.push("played"); }} catch (error) {{ answers.push(`${{error.name}}: ${{error.message}}`); }}
    }}
    console.log(JSON.stringify(answers));
    """
    done = subprocess.run(
        [NODE, "--input-type=module", "-e", script], cwd=JS_HOST, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_javascript_host_refuses_an_option_it_does_not_know(tiny_export):
    calls = [
        "host.timed(notes, { bpm: 90 })",
        "host.timed(notes, { grid_offset: 0 })",
        "host.pattern([0.5, -1], { timing_temperature: 0.5 })",
        "host.pattern([0.5, -1], { densty: 1 })",
    ]
    assert _answers(tiny_export, "host.timed(notes, { tempo: 90, gridOffset: 0 }).length === notes.length", calls) == [
        True,
        'TypeError: unknown option "bpm"; did you mean tempo? (options: tempo, gridOffset)',
        'TypeError: unknown option "grid_offset"; did you mean gridOffset? (options: tempo, gridOffset)',
        f'TypeError: unknown option "timing_temperature"; did you mean timingTemperature? (options: {PATTERN_OPTIONS})',
        f'TypeError: unknown option "densty" (options: {PATTERN_OPTIONS})',
    ]


def test_a_refused_option_name_says_where_the_option_belongs(tiny_export):
    calls = [
        "host.pattern([0.5, -1], { seed: 3 })",
        "host.pattern([0.5, -1], { tempo: 90 })",
        "host.pattern([0.5, -1], { grid_offset: 0 })",
        "host.timed(notes, { seed: 3 })",
        "host.timed(notes, { density: 2 })",
    ]
    assert _answers(tiny_export, "true", calls) == [
        True,
        f'TypeError: unknown option "seed"; did you mean random: seededRandom(3)? (options: {PATTERN_OPTIONS})',
        'TypeError: unknown option "tempo"; that is an option of timed(notes, { tempo }) (options: '
        f"{PATTERN_OPTIONS})",
        'TypeError: unknown option "grid_offset"; that is an option of timed(notes, { gridOffset }) (options: '
        f"{PATTERN_OPTIONS})",
        'TypeError: unknown option "seed"; that is an option of pattern(z, { random: seededRandom(3) }) (options: '
        "tempo, gridOffset)",
        'TypeError: unknown option "density"; that is an option of pattern(z, { density }) (options: tempo, '
        "gridOffset)",
    ]
