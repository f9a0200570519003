"""The live player writes the notes generate writes, from folded weights and only the cells it needs."""

from __future__ import annotations

import pytest
import torch

from mvae_core.config import build_config
from mvae_core.generation import DecodeOptions, decode_latents, select_notes
from mvae_core.model import MelodyVAE
from mvae_core.player import Player

OPTIONS = [
    DecodeOptions(),
    DecodeOptions(seed=7, density=1.6),
    DecodeOptions(temperature=0.0),
    DecodeOptions(temperature=0.5, timing_temperature=0.0),
    DecodeOptions(poly=True),
    DecodeOptions(poly=True, temperature=0.0),
    DecodeOptions(threshold_min=0.015),
    DecodeOptions(threshold_min=0.02, threshold_max=0.5, poly=True, timing_temperature=2.0),
]


def _model(head: str, onset_bias: float, *overrides: str) -> MelodyVAE:
    """A small decoder with non-trivial BatchNorm statistics (so folding is exercised) and an onset bias that
    decides how many notes sound."""
    cfg = build_config(None, ["model.hidden=48", f"model.timing_head={head}", "model.leaky_slope=0.2", *overrides])
    torch.manual_seed(3)
    model = MelodyVAE(cfg.model, cfg.data.pitch_classes)
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, torch.nn.BatchNorm1d):
                module.running_mean.normal_(0.0, 0.5)
                module.running_var.uniform_(0.3, 3.0)
                module.weight.uniform_(0.5, 1.5)
                module.bias.normal_(0.0, 0.3)
        model.heads[0][-1].bias.add_(onset_bias)
    return model.eval()


@pytest.mark.parametrize("head", ["categorical", "mse"])
@pytest.mark.parametrize("onset_bias", [-4.0, 0.0])  # ~10 notes a loop, and a note on every step
@pytest.mark.parametrize("options", OPTIONS, ids=range(len(OPTIONS)))
def test_player_writes_the_notes_of_the_batch_path(head, onset_bias, options):
    model = _model(head, onset_bias)
    points = torch.randn(12, 2, generator=torch.Generator().manual_seed(1)) * 1.5
    heads = decode_latents(model, points)
    player = Player(model)
    written = 0
    for i, point in enumerate(points):
        expected = select_notes(heads, i, options)
        got = player.notes(point.tolist(), options, index=i)
        assert [(n.step, n.row) for n in got] == [(n.step, n.row) for n in expected]
        for mine, theirs in zip(got, expected, strict=True):
            assert mine.velocity == pytest.approx(theirs.velocity, abs=1e-5)
            assert mine.duration == pytest.approx(theirs.duration, abs=1e-5)
            assert mine.timeshift == pytest.approx(theirs.timeshift, abs=1e-5)
        written += len(got)
    assert written > 0  # the comparison saw notes


def test_notes_of_a_step_share_one_drawn_offset():
    model = _model("categorical", 0.0)
    notes = Player(model).notes([0.3, -0.2], DecodeOptions(poly=True, seed=2))
    by_step: dict[int, set[float]] = {}
    for note in notes:
        by_step.setdefault(note.step, set()).add(note.timeshift)
    assert any(len([n for n in notes if n.step == s]) > 1 for s in by_step)  # there are chords to check
    assert all(len(offsets) == 1 for offsets in by_step.values())


def test_player_keeps_its_own_copy_of_the_weights():
    model = _model("categorical", -4.0)
    player = Player(model)
    before = player.notes([0.5, 0.5], DecodeOptions(temperature=0.0))
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.mul_(-1.0)
    assert player.notes([0.5, 0.5], DecodeOptions(temperature=0.0)) == before


def test_a_point_of_the_wrong_size_is_refused():
    player = Player(_model("categorical", 0.0))
    with pytest.raises(ValueError, match="z needs 2 numbers"):
        player.notes([0.1, 0.2, 0.3])
