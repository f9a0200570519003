"""The JavaScript ONNX host's refusal of an option name says what to write instead for the names a user of the
command line tries: ``seed`` is ``random: seededRandom(seed)`` (the command line's ``--seed``), and an option of the
other method (``tempo``, ``gridOffset`` given to ``pattern``; ``density`` to ``timed``) names the call that takes it.
Before, these were refused with the list of options alone."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

JS_HOST = Path(__file__).resolve().parents[1] / "examples" / "onnx_host_js"
NODE = shutil.which("node")
PATTERN_OPTIONS = "density, temperature, timingTemperature, poly, thresholdMin, thresholdMax, random"


@pytest.mark.skipif(NODE is None, reason="Node.js is not installed (apt-get install nodejs npm; .ci/run does)")
@pytest.mark.skipif(
    not (JS_HOST / "node_modules" / "onnxruntime-node").is_dir(),
    reason=f"the JavaScript host's packages are not installed: run `npm ci --ignore-scripts` in {JS_HOST}",
)
def test_a_refused_option_name_says_where_the_option_belongs(tiny_export):
    script = f"""
    import {{ openNodeHost }} from {json.dumps(str(JS_HOST / "onnx_host.mjs"))};
    const host = await openNodeHost({json.dumps(str(tiny_export))});
    const notes = await host.pattern([0.5, -1], {{}});
    const calls = [
      () => host.pattern([0.5, -1], {{ seed: 3 }}),
      () => host.pattern([0.5, -1], {{ tempo: 90 }}),
      () => host.pattern([0.5, -1], {{ grid_offset: 0 }}),
      () => host.timed(notes, {{ seed: 3 }}),
      () => host.timed(notes, {{ density: 2 }}),
    ];
    const answers = [];
    for (const call of calls) {{
      try {{ await call(); answers.push("played"); }} catch (error) {{ answers.push(`${{error.name}}: ${{error.message}}`); }}
    }}
    console.log(JSON.stringify(answers));
    """
    done = subprocess.run(
        [NODE, "--input-type=module", "-e", script], cwd=JS_HOST, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [
        f'TypeError: unknown option "seed"; did you mean random: seededRandom(3)? (options: {PATTERN_OPTIONS})',
        f'TypeError: unknown option "tempo"; that is an option of timed(notes, {{ tempo }}) (options: {PATTERN_OPTIONS})',
        'TypeError: unknown option "grid_offset"; that is an option of timed(notes, { gridOffset }) (options: '
        f"{PATTERN_OPTIONS})",
        'TypeError: unknown option "seed"; that is an option of pattern(z, { random: seededRandom(3) }) (options: '
        "tempo, gridOffset)",
        'TypeError: unknown option "density"; that is an option of pattern(z, { density }) (options: tempo, gridOffset)',
    ]
