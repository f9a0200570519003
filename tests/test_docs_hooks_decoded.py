"""docs/hooks.md tells a plugin author what `output.decoded` holds for each built-in model (mvae_loss): the fields it
names are the fields the models' outputs have, so a loss term written from the docs runs."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from mvae_core.models.base import Decoded
from mvae_core.models.melody_rnn import TokenOutput

HOOKS_MD = Path(__file__).resolve().parents[1] / "docs" / "hooks.md"


def _documented_fields(model: str) -> set[str]:
    """The backticked lower-case names of the bullet `- \\`<model>\\`...` under mvae_loss's `output` argument."""
    text = HOOKS_MD.read_text(encoding="utf-8")
    bullet = re.search(rf"^  - `{model}`.*?(?=^  - |^\n)", text, re.S | re.M)
    assert bullet, f"docs/hooks.md has no bullet for {model}'s decoded output"
    names = set(re.findall(r"`([a-z_]+)`", bullet.group(0)))
    return names - {model, "mse", "timing_head"}


def test_hooks_md_names_every_field_of_melody_rnns_token_output() -> None:
    assert _documented_fields("melody_rnn") == {field.name for field in dataclasses.fields(TokenOutput)}


def test_hooks_md_names_the_tensors_of_seeds_decoded() -> None:
    tensors = {field.name for field in dataclasses.fields(Decoded)} - {"timing"}  # timing: TimingBins, not a tensor
    assert _documented_fields("seed") == tensors
