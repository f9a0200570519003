"""The ONNX hosts of examples/ as a library, as a patch calls them (a Max [node.script], a Python host): a value a
dial or a patch sends that `mvae generate` refuses (NaN from a division by zero, a negative density, a string) is
refused with the option's name. Before, only the command line checked: `pattern` decoded a NaN point to a note on
every step (Python) or to none (JavaScript), a negative density to silence, and `timed` took a tempo of 0."""

from __future__ import annotations

import json
import math
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from tests.bench import load_bench

ROOT = Path(__file__).resolve().parents[1]
JS_HOST = ROOT / "examples" / "onnx_host_js"
NODE = shutil.which("node")


CASES = [  # (z, options, the refusal); options in the Python host's names
    ([math.nan, 0.0], {}, "z needs finite numbers (within ±3.4e+38), got nan,0"),
    ([0.5, -1.0], {"density": -1.0}, "density must be a finite number >= 0, got -1"),
    ([0.5, -1.0], {"temperature": math.inf}, "temperature must be a finite number >= 0, got inf"),
    ([0.5, -1.0], {"timing_temperature": "x"}, "timing_temperature must be a finite number >= 0, got 'x'"),
]


@pytest.mark.parametrize(("z", "options", "refusal"), CASES)
def test_the_python_host_refuses_what_generate_refuses(tiny_export, z, options, refusal):
    host = load_bench("onnx_host_check.py").load_host().open_host(tiny_export)
    assert host.pattern(np.array([0.5, -1.0]), rng=np.random.default_rng(0))  # the model plays notes there
    with pytest.raises(ValueError, match=f"^{re.escape(refusal)}$"):
        host.pattern(np.array(z), **options)
    with pytest.raises(ValueError, match=r"^tempo must be between 4 and 1000 bpm, got 0$"):
        host.timed([], tempo=0)


@pytest.mark.skipif(NODE is None, reason="Node.js is not installed (apt-get install nodejs npm; .ci/run does)")
@pytest.mark.skipif(
    not (JS_HOST / "node_modules" / "onnxruntime-node").is_dir(),
    reason=f"the JavaScript host's packages are not installed: run `npm ci --ignore-scripts` in {JS_HOST}",
)
def test_the_javascript_host_refuses_what_generate_refuses(tiny_export):
    script = f"""
    import {{ openNodeHost }} from {json.dumps(str(JS_HOST / "onnx_host.mjs"))};
    const host = await openNodeHost({json.dumps(str(tiny_export))});
    const answers = [(await host.pattern([0.5, -1])).length];
    for (const [z, options] of [[[NaN, 0], {{}}], [[0.5, -1], {{ density: -1 }}],
                                [[0.5, -1], {{ timingTemperature: "x" }}], [["a", "b"], {{}}]]) {{
      try {{ answers.push(`${{(await host.pattern(z, options)).length}} notes`); }}
      catch (error) {{ answers.push(`${{error.name}}: ${{error.message}}`); }}
    }}
    try {{ host.timed([], {{ tempo: 0 }}); answers.push("timed"); }} catch (error) {{ answers.push(error.message); }}
    console.log(JSON.stringify(answers));
    """
    done = subprocess.run([NODE, "--input-type=module", "-e", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    played, *refusals = json.loads(done.stdout)
    assert played > 0
    assert refusals == [
        "RangeError: z needs finite numbers (within ±3.4e+38), got NaN,0",
        "RangeError: density must be a finite number >= 0, got -1",
        'RangeError: timingTemperature must be a finite number >= 0, got "x"',
        "RangeError: z needs finite numbers (within ±3.4e+38), got a,b",
        "tempo must be between 4 and 1000 bpm, got 0",
    ]
