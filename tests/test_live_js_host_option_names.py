"""The JavaScript ONNX host refuses an option name it does not know, naming it (and the option meant: the JSON API's
`grid_offset`, the hosts' former `bpm`). Before, `host.timed(notes, { tempo: 90 })` (tempo was bpm then) played the
loop at 120 bpm and `{ grid_offset: 0 }` on the learned timing, without a word."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
JS_HOST = ROOT / "examples" / "onnx_host_js"
NODE = shutil.which("node")


@pytest.mark.skipif(NODE is None, reason="Node.js is not installed (apt-get install nodejs npm; .ci/run does)")
@pytest.mark.skipif(
    not (JS_HOST / "node_modules" / "onnxruntime-node").is_dir(),
    reason=f"the JavaScript host's packages are not installed: run `npm ci --ignore-scripts` in {JS_HOST}",
)
def test_the_javascript_host_refuses_an_option_it_does_not_know(tiny_export):
    script = f"""
    import {{ openNodeHost }} from {json.dumps(str(JS_HOST / "onnx_host.mjs"))};
    const host = await openNodeHost({json.dumps(str(tiny_export))});
    const notes = await host.pattern([0.5, -1], {{ density: 1, timingTemperature: 1, random: Math.random }});
    const answers = [host.timed(notes, {{ tempo: 90, gridOffset: 0 }}).length === notes.length];
    const calls = [
      () => host.timed(notes, {{ bpm: 90 }}),
      () => host.timed(notes, {{ grid_offset: 0 }}),
      () => host.pattern([0.5, -1], {{ timing_temperature: 0.5 }}),
      () => host.pattern([0.5, -1], {{ densty: 1 }}),
    ];
    for (const call of calls) {{
      try {{ await call(); answers.push("played"); }} catch (error) {{ answers.push(`${{error.name}}: ${{error.message}}`); }}
    }}
    console.log(JSON.stringify(answers));
    """
    done = subprocess.run(
        [NODE, "--input-type=module", "-e", script], cwd=JS_HOST, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    pattern_options = "density, temperature, timingTemperature, poly, thresholdMin, thresholdMax, random"
    assert json.loads(done.stdout) == [
        True,
        'TypeError: unknown option "bpm"; did you mean tempo? (options: tempo, gridOffset)',
        'TypeError: unknown option "grid_offset"; did you mean gridOffset? (options: tempo, gridOffset)',
        f'TypeError: unknown option "timing_temperature"; did you mean timingTemperature? (options: {pattern_options})',
        f'TypeError: unknown option "densty" (options: {pattern_options})',
    ]
