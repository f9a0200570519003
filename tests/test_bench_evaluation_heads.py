"""``bench/evaluation.py --models melody_rnn --heads mse`` trained nothing and printed nothing, exit 0: a combination
it skips is named on stderr, and a command with nothing to train fails."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_a_head_the_model_has_not_is_named_and_nothing_to_train_fails(synth_dir: Path, tmp_path: Path) -> None:
    command = [sys.executable, str(ROOT / "bench" / "evaluation.py"), "--data", str(synth_dir), "--out", str(tmp_path)]
    done = subprocess.run([*command, "--models", "melody_rnn", "--heads", "mse"], capture_output=True, text=True,
                          timeout=120, cwd=ROOT)  # fmt: skip
    assert done.returncode == 1
    assert "skipped: melody_rnn × mse" in done.stderr and "nothing to train" in done.stderr
    assert not list(tmp_path.glob("*/melody_rnn*"))
