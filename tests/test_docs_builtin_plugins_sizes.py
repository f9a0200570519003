"""builtin_plugins.md says how much ``restore_best`` adds to a checkpoint: one copy of the default model's weights.
The page gave 25 MB, the seed model's size, after the default became ``melody_rnn`` (12 MB)."""

from __future__ import annotations

import re
from pathlib import Path

from mvae_core.config import build_config
from mvae_core.models import build_model

PAGE = Path(__file__).resolve().parents[1] / "docs" / "builtin_plugins.md"


def weight_megabytes(overrides: list[str]) -> float:
    model = build_model(build_config(None, overrides))
    return sum(tensor.numel() * tensor.element_size() for tensor in model.state_dict().values()) / 1e6


def test_the_copy_of_the_weights_early_stopping_keeps_is_the_default_models_size():
    text = " ".join(PAGE.read_text(encoding="utf-8").split())
    stated = re.search(r"larger by one copy of the model \(about (\d+) MB", text)
    assert stated, "builtin_plugins.md no longer says how much restore_best adds"
    assert abs(float(stated.group(1)) - weight_megabytes([])) <= 1.0
    seed = re.search(r"; (\d+) MB for `seed`\)", text)
    assert seed and abs(float(seed.group(1)) - weight_megabytes(['model.name="seed"'])) <= 1.0
