"""``bench/evaluation.py --models melody_rnn --heads mse`` trained nothing and printed nothing, exit 0: a combination
it skips is named on stderr, and a command with nothing to train fails."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from mvae_core.models.seed import SeedModel
from tests.bench import load_bench
from tests.test_models import _installed

ROOT = Path(__file__).resolve().parents[1]


def test_a_head_the_model_has_not_is_named_and_nothing_to_train_fails(synth_dir: Path, tmp_path: Path) -> None:
    command = [sys.executable, str(ROOT / "bench" / "evaluation.py"), "--data", str(synth_dir), "--out", str(tmp_path)]
    done = subprocess.run([*command, "--models", "melody_rnn", "--heads", "mse"], capture_output=True, text=True,
                          timeout=120, cwd=ROOT)  # fmt: skip
    assert done.returncode == 1
    assert "skipped: melody_rnn × mse" in done.stderr and "nothing to train" in done.stderr
    assert not list(tmp_path.glob("*/melody_rnn*"))


class _WideSeed(SeedModel):  # a package's model with the seed's heads, as examples/mvae-wide-seed's
    description = "The seed decoder, wider."


def test_a_package_models_heads_are_its_own_rule_not_the_name_seeds(monkeypatch) -> None:
    """``--models wide_seed --heads mse`` was skipped ("only the seed model has a timing head other than
    categorical"), deciding by the name ``seed``; the model is now asked (its ``check_config``)."""
    _installed(monkeypatch, "wide_seed", _WideSeed)
    bench = load_bench("evaluation.py")
    assert bench._head_refusal("wide_seed", "mse", []) is None
    assert bench._head_refusal("seed", "mse", []) is None
    refusal = bench._head_refusal("melody_rnn", "mse", [])
    assert refusal is not None and refusal.startswith("model.timing_head = 'mse': melody_rnn has only the categorical")
    with pytest.raises(SystemExit, match="unknown model 'nope'"):
        bench._head_refusal("nope", "mse", [])
