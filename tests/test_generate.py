"""Generation: decoding rules, grid offset, and MIDI that parses back to the same cells."""

from __future__ import annotations

import io

import numpy as np
import pytest

from mvae_core.config import DataConfig, MvaeConfig
from mvae_core.data.midi import read_midi_bytes
from mvae_core.generation import DecodeOptions, Note, select_notes
from mvae_core.loop_file import notes_to_midi
from tests.synth import score_to_loops

# Rows MIDI 48..71, which these expectations assume (the default, "auto", chooses from the data)
CFG = MvaeConfig(data=DataConfig(pitch_low=48))


def _parse(midi) -> list[tuple[int, int, int, float, float]]:
    buffer = io.BytesIO()
    midi.write(buffer)
    block = score_to_loops(read_midi_bytes(buffer.getvalue(), CFG.data), CFG.data)
    return [
        (int(block.loop[i]), int(block.row[i]), int(block.step[i]), float(block.timeshift[i]), float(block.duration[i]))
        for i in range(len(block.row))
    ]


def test_generated_cells_parse_back_to_the_same_cells():
    loops = [
        [Note(0, 3, 0.8, 1 / 16, 0.5), Note(4, 12, 0.5, 2 / 16, -0.25), Note(9, 23, 1.0, 1 / 16, 0.75)],
        [Note(1, 0, 0.3, 1 / 16, 0.0), Note(31, 7, 0.6, 1 / 16, -0.5)],
    ]
    parsed = _parse(notes_to_midi(loops, CFG, DecodeOptions(grid_offset=1.0)))
    expected = [(k, n.row, n.step, n.timeshift, n.duration) for k, loop in enumerate(loops) for n in loop]
    assert [p[:3] for p in parsed] == [e[:3] for e in expected]
    assert [p[3] for p in parsed] == pytest.approx([e[3] for e in expected], abs=1 / 120)
    assert [p[4] for p in parsed] == pytest.approx([e[4] for e in expected], abs=1e-3)


def test_pitch_is_pitch_low_plus_row():
    midi = notes_to_midi([[Note(0, 12, 0.5, 0.1, 0.0)]], CFG, DecodeOptions())
    assert midi.instruments[0].notes[0].pitch == 60  # row 12 above pitch_low 48, no fold or shift (ancestor A1)


def test_grid_offset_zero_is_exactly_quantized():
    notes = [[Note(s, 5, 0.7, 0.1, ts) for s, ts in ((2, 0.9), (6, -0.8), (11, 0.3))]]
    midi = notes_to_midi(notes, CFG, DecodeOptions(grid_offset=0.0, tempo=97.0))
    step = 60 / 97 / 4
    for note, s in zip(midi.instruments[0].notes, (2, 6, 11), strict=True):
        assert midi.time_to_tick(note.start) == s * 240
        assert note.start == pytest.approx(s * step, abs=1e-6)  # a file's tempo is whole microseconds per beat


@pytest.mark.parametrize("grid_offset", [0.5, 1.0, 2.0])
def test_grid_offset_scales_the_signed_offset(grid_offset):
    midi = notes_to_midi([[Note(8, 5, 0.7, 0.1, -0.4)]], CFG, DecodeOptions(grid_offset=grid_offset))
    step = 60 / 120 / 4
    assert midi.instruments[0].notes[0].start == pytest.approx((8 - 0.4 * grid_offset / 2) * step, abs=1e-3)


def test_velocity_is_never_zero():
    """Ancestor C3: floor(v·127) could give a silent velocity 0."""
    midi = notes_to_midi([[Note(0, 5, 0.001, 0.1, 0.0)]], CFG, DecodeOptions())
    assert midi.instruments[0].notes[0].velocity == 1


def _heads(onset: np.ndarray) -> dict[str, np.ndarray]:
    shape = onset.shape
    return {
        "onset": onset,
        "velocity": np.full(shape, 0.5),
        "duration": np.full(shape, 0.1),
        "timeshift": np.zeros(shape),
    }


def test_density_rule_writes_the_expected_number_of_notes():
    """Many small per-cell probabilities: a 0.2 cell threshold writes nothing; the density rule writes Σ e_step."""
    rng = np.random.default_rng(0)
    onset = rng.uniform(0.0, 0.04, size=(1, 24, 32))
    heads = _heads(onset)
    p_step = np.minimum(1, onset[0].sum(axis=0))
    notes = select_notes(heads, 0, DecodeOptions(temperature=0))
    assert len(notes) == round(p_step.sum())
    assert len({n.step for n in notes}) == len(notes)  # monophonic
    assert select_notes(heads, 0, DecodeOptions(threshold_min=0.2)) == []
    assert len(select_notes(heads, 0, DecodeOptions(density=0.5, temperature=0))) == round(0.5 * p_step.sum())


def test_threshold_rule_picks_the_most_confident_row_within_bounds():
    onset = np.zeros((1, 24, 32))
    onset[0, 3, 5], onset[0, 9, 5], onset[0, 1, 7] = 0.6, 0.95, 0.3
    heads = _heads(onset)
    assert [(n.step, n.row) for n in select_notes(heads, 0, DecodeOptions(threshold_min=0.2))] == [(5, 9), (7, 1)]
    # an upper bound below 1 removes the most confident cells (the ancestor's inclusive window, kept as an option)
    assert [(n.step, n.row) for n in select_notes(heads, 0, DecodeOptions(threshold_min=0.2, threshold_max=0.9))] == [
        (5, 3),
        (7, 1),
    ]


def test_poly_keeps_every_candidate_of_a_step():
    onset = np.zeros((1, 24, 32))
    onset[0, 3, 5], onset[0, 9, 5], onset[0, 1, 7] = 0.6, 0.95, 0.3
    heads = _heads(onset)
    chords = select_notes(heads, 0, DecodeOptions(threshold_min=0.2, poly=True))
    assert [(n.step, n.row) for n in chords] == [(5, 3), (5, 9), (7, 1)]
    # without thresholds: the round(Σ p) = 2 most probable cells, wherever they are
    assert [(n.step, n.row) for n in select_notes(heads, 0, DecodeOptions(poly=True, temperature=0))] == [
        (5, 3),
        (5, 9),
    ]


def test_sampled_notes_keep_the_expected_density_and_vary_with_the_seed():
    """The default (temperature 1): each step sounds with its probability, so the count is right on average."""
    rng = np.random.default_rng(1)
    onset = rng.uniform(0.0, 0.04, size=(200, 24, 32))
    heads = _heads(onset)
    expected = np.minimum(1, onset.sum(axis=1)).sum(axis=1).mean()
    counts = [len(select_notes(heads, i, DecodeOptions(seed=5))) for i in range(200)]
    assert np.mean(counts) == pytest.approx(expected, rel=0.05)
    first = [(n.step, n.row) for n in select_notes(heads, 0, DecodeOptions(seed=5))]
    again = [(n.step, n.row) for n in select_notes(heads, 0, DecodeOptions(seed=5))]
    other = [(n.step, n.row) for n in select_notes(heads, 0, DecodeOptions(seed=6))]
    assert first == again != other
    assert all(len({s for s, _ in loop}) == len(loop) for loop in (first, other))  # still monophonic


def test_latent_walk_starts_at_the_point_and_moves_by_the_step():
    import torch

    from mvae_core.generation import latent_walk

    starts = torch.tensor([[0.5, -1.0], [0.0, 0.0]])
    path = latent_walk(starts, loops=4, step=0.3, seed=0)
    assert path.shape == (2, 4, 2)
    assert torch.equal(path[:, 0], starts)
    assert torch.allclose((path[:, 1:] - path[:, :-1]).norm(dim=-1), torch.full((2, 3), 0.3))
    assert torch.equal(latent_walk(starts, loops=3, step=0.0, seed=0), starts[:, None].expand(2, 3, 2))


def test_sampled_rows_follow_the_probabilities_where_the_deterministic_rule_takes_the_mode():
    """Temperature 1 writes each row as often as the model expects it; temperature 0 always writes the likeliest."""
    onset = np.zeros((1, 24, 32))
    onset[0, 4, :], onset[0, 11, :] = 0.6, 0.3  # every step: 2/3 row 4, 1/3 row 11
    heads = _heads(np.repeat(onset, 300, axis=0))
    sampled = [n.row for i in range(300) for n in select_notes(heads, i, DecodeOptions(seed=1))]
    assert np.mean(np.array(sampled) == 11) == pytest.approx(1 / 3, abs=0.02)
    assert {n.row for n in select_notes(heads, 0, DecodeOptions(temperature=0))} == {4}
