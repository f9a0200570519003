"""The live players write the notes ``decode_notes`` writes: the seed model's from folded weights and only the cells
it needs, melody_rnn's from a numpy GRU."""

from __future__ import annotations

import pytest
import torch

from mvae_core.config import build_config
from mvae_core.generation import DecodeOptions
from mvae_core.models import build_model
from mvae_core.models.base import MelodyModel, UnsupportedOption

OPTIONS = [
    DecodeOptions(),
    DecodeOptions(seed=7, density=1.6),
    DecodeOptions(temperature=0.0),
    DecodeOptions(temperature=0.5, timing_temperature=0.0),
    DecodeOptions(density=0.5, temperature=0.0, timing_temperature=2.0),
]
SEED_ONLY = [
    DecodeOptions(poly=True),
    DecodeOptions(poly=True, temperature=0.0),
    DecodeOptions(threshold_min=0.015),
    DecodeOptions(threshold_min=0.02, threshold_max=0.5, poly=True, timing_temperature=2.0),
]


def _seed_model(head: str, onset_bias: float) -> MelodyModel:
    """A small seed decoder with non-trivial BatchNorm statistics (so folding is exercised) and an onset bias that
    decides how many notes sound."""
    cfg = build_config(None, ['model.name="seed"', "model.hidden=48", f"model.timing_head={head}",
                              "model.leaky_slope=0.2"])  # fmt: skip
    torch.manual_seed(3)
    model = build_model(cfg)
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, torch.nn.BatchNorm1d):
                module.running_mean.normal_(0.0, 0.5)
                module.running_var.uniform_(0.3, 3.0)
                module.weight.uniform_(0.5, 1.5)
                module.bias.normal_(0.0, 0.3)
        model.heads[0][-1].bias.add_(onset_bias)
    return model.eval()


def _rnn_model(rest_bias: float) -> MelodyModel:
    """A small melody_rnn decoder; ``rest_bias`` on the no-note token decides how many notes sound."""
    cfg = build_config(None, ["model.hidden=48", "model.melody_rnn.rnn_hidden=40", "model.leaky_slope=0.2"])
    torch.manual_seed(4)
    model = build_model(cfg)
    with torch.no_grad():
        model.to_token.bias[0] += rest_bias
    return model.eval()


def assert_same_notes(model: MelodyModel, options: DecodeOptions) -> int:
    """The player's notes at 12 points equal ``decode_notes``'s; returns how many notes were compared."""
    points = torch.randn(12, 2, generator=torch.Generator().manual_seed(1)) * 1.5
    expected_loops = model.decode_notes(points, options)
    player = model.player()
    written = 0
    for i, (point, expected) in enumerate(zip(points, expected_loops, strict=True)):
        got = player.notes(point.tolist(), options, index=i)
        assert [(n.step, n.row) for n in got] == [(n.step, n.row) for n in expected]
        for mine, theirs in zip(got, expected, strict=True):
            assert mine.velocity == pytest.approx(theirs.velocity, abs=1e-5)
            assert mine.duration == pytest.approx(theirs.duration, abs=1e-5)
            assert mine.timeshift == pytest.approx(theirs.timeshift, abs=1e-5)
        written += len(got)
    return written


@pytest.mark.parametrize("head", ["categorical", "mse"])
@pytest.mark.parametrize("onset_bias", [-4.0, 0.0])  # ~10 notes a loop, and a note on every step
@pytest.mark.parametrize("options", OPTIONS + SEED_ONLY, ids=range(len(OPTIONS + SEED_ONLY)))
def test_seed_player_writes_the_notes_of_the_batch_path(head, onset_bias, options):
    assert assert_same_notes(_seed_model(head, onset_bias), options) > 0  # the comparison saw notes


@pytest.mark.parametrize("rest_bias", [2.0, -3.0])  # a few notes a loop, and a note on nearly every step
@pytest.mark.parametrize("options", OPTIONS, ids=range(len(OPTIONS)))
def test_melody_rnn_player_writes_the_notes_of_the_batch_path(rest_bias, options):
    assert assert_same_notes(_rnn_model(rest_bias), options) > 0


@pytest.mark.parametrize("options", SEED_ONLY, ids=range(len(SEED_ONLY)))
def test_melody_rnn_refuses_what_needs_per_cell_probabilities(options):
    model = _rnn_model(0.0)
    with pytest.raises(UnsupportedOption, match="melody_rnn"):
        model.decode_notes(torch.zeros(1, 2), options)
    with pytest.raises(UnsupportedOption, match="melody_rnn"):
        model.player().notes([0.0, 0.0], options)


def test_notes_of_a_step_share_one_drawn_offset():
    notes = _seed_model("categorical", 0.0).player().notes([0.3, -0.2], DecodeOptions(poly=True, seed=2))
    by_step: dict[int, set[float]] = {}
    for note in notes:
        by_step.setdefault(note.step, set()).add(note.timeshift)
    assert any(len([n for n in notes if n.step == s]) > 1 for s in by_step)  # there are chords to check
    assert all(len(offsets) == 1 for offsets in by_step.values())


@pytest.mark.parametrize("model", [_seed_model("categorical", -4.0), _rnn_model(0.0)], ids=["seed", "melody_rnn"])
def test_a_player_keeps_its_own_copy_of_the_weights(model):
    player = model.player()
    before = player.notes([0.5, 0.5], DecodeOptions(temperature=0.0))
    assert before  # a loop with notes, so that a change would show
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.mul_(-1.0)
    assert player.notes([0.5, 0.5], DecodeOptions(temperature=0.0)) == before


@pytest.mark.parametrize("model", [_seed_model("categorical", 0.0), _rnn_model(0.0)], ids=["seed", "melody_rnn"])
def test_a_point_of_the_wrong_size_is_refused(model):
    with pytest.raises(ValueError, match="z needs 2 numbers"):
        model.player().notes([0.1, 0.2, 0.3])


@pytest.mark.parametrize("model", [_seed_model("categorical", 0.0), _rnn_model(0.0)], ids=["seed", "melody_rnn"])
@pytest.mark.parametrize("z", [[float("nan"), 0.0], [0.0, float("inf")], [1e39, 0.0]], ids=["nan", "inf", "1e39"])
def test_a_point_that_is_not_finite_is_refused(model, z):
    """A NaN from a sensor or a patch decoded to a loop of nonsense notes (melody_rnn: 32 of them)."""
    with pytest.raises(ValueError, match="z needs finite numbers"):
        model.player().notes(z)


def test_a_player_says_what_it_is_in_a_notebook():
    """`run.player()` showed `<mvae_core.models.melody_rnn_player.MelodyRNNPlayer object at 0x7f…>`."""
    assert repr(_rnn_model(0.0).player()) == "<melody_rnn player: latent_dim 2, GRU 40; .notes(z, options)>"
    seed = repr(_seed_model("categorical", 0.0).player())
    assert seed.startswith("<seed player: latent_dim 2, hidden ") and seed.endswith(
        "categorical timing; .notes(z, options)>"
    )
