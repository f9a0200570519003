"""``examples/onnx_host.py --z``: a number beyond float32 (the graph's input type) is refused as ``mvae generate``
refuses it; it became inf in the graph and the host printed notes decoded from it, with a numpy RuntimeWarning."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HOST = Path(__file__).resolve().parents[1] / "examples" / "onnx_host.py"


def test_a_latent_number_beyond_float32_is_refused(tmp_path):
    # the options are checked before the file is opened, so no export is needed to see the refusal
    done = subprocess.run(
        [sys.executable, HOST, tmp_path / "decoder.onnx", "--z", "1e39,0"], capture_output=True, text=True
    )
    assert done.returncode == 2 and not done.stdout
    assert done.stderr == "onnx_host.py: error: --z needs finite numbers (within ±3.4e+38), got 1e+39,0\n"
