"""What a model's ``decode_notes`` must return, note by note: the fields the MIDI writer, ``mvae evaluate`` and
``mvae serve``'s JSON read (``mvae_core.models.check_notes``; docs/models.md, Writing a model)."""

from __future__ import annotations

import re

import numpy as np
import pytest

import mvae_core
from mvae_core.generation import Note
from mvae_core.models import ModelError, check_notes
from mvae_core.models.seed import SeedModel
from tests.test_models import _installed

GOOD = Note(3, 5, 0.5, 0.25, -0.1)


@pytest.mark.parametrize(
    ("note", "why"),
    [
        (GOOD._replace(step=np.int64(3)), "its step is of type int64, not int"),  # /api/generate: not JSON
        (GOOD._replace(row=True), "its row is of type bool, not int"),
        (GOOD._replace(velocity=float("nan")), "its velocity nan is not a number in 0..1"),  # round(nan) in MIDI
        (GOOD._replace(step=32), "its step 32 is outside 0..31"),
        (GOOD._replace(row=-2), "its row -2 is below 0"),
        (GOOD._replace(timeshift=1.5), "its timeshift 1.5 is not a number in -1..1"),
        (GOOD._replace(duration="0.5"), "its duration '0.5' is not a number in 0..1"),
    ],
)
def test_a_note_with_a_field_out_of_its_type_or_range_is_named_with_the_model_and_its_package(monkeypatch, note, why):
    _installed(monkeypatch, "mine", SeedModel)
    with pytest.raises(ModelError) as error:
        check_notes("mine", [[GOOD], [GOOD, note]], 2)
    assert str(error.value) == (
        f"model 'mine' (package mvae-x): decode_notes returned {note!r} in the notes of latent point 1: {why}; it "
        "must return notes whose step is an int in 0..31 (16th steps), row an int in 0..pitch_classes - 1 (the pitch is "
        "pitch_low + row), velocity and duration numbers in 0..1 and timeshift a number in -1..1 (half-steps); numpy "
        "numbers become Python ones with .tolist() or int() (docs/models.md, Writing a model)"
    )


def test_notes_at_the_ends_of_their_ranges_and_numpy_floats_are_accepted():
    edges = [GOOD._replace(step=0, row=0, velocity=0, duration=1.0, timeshift=-1.0), GOOD._replace(step=31),
             GOOD._replace(velocity=np.float32(1.0), timeshift=np.float64(1.0))]  # fmt: skip
    check_notes("seed", [edges], 1)


def test_generating_from_a_model_whose_notes_hold_nan_is_refused_naming_it(tiny_run, monkeypatch):
    """It ended in ValueError: cannot convert float NaN to integer while the MIDI file was written."""
    run = mvae_core.load(tiny_run)
    monkeypatch.setattr(run.model, "decode_notes", lambda z, options: [[GOOD._replace(velocity=np.nan)]] * len(z))
    with pytest.raises(ModelError, match=r"^model 'melody_rnn' \(built-in\): decode_notes returned Note\(step=3, "
                       + re.escape("row=5, velocity=nan, duration=0.25, timeshift=-0.1) in the notes of latent point")):  # fmt: skip
        mvae_core.generate(run, z=[0.0, 0.0])


def test_a_row_beyond_the_runs_pitch_rows_is_refused_when_the_caller_gives_them(monkeypatch):
    """A step and row swapped (``Note(row, step, …)``: tensors are [rows, steps]) gives rows up to 31 of 24."""
    _installed(monkeypatch, "mine", SeedModel)
    swapped = GOOD._replace(step=5, row=30)
    check_notes("mine", [[swapped]], 1)  # without the run's rows only a negative row is known to be wrong
    with pytest.raises(ModelError, match=r"its row 30 is beyond the run's 24 pitch rows \(0\.\.23\); it must return"):
        check_notes("mine", [[GOOD], [swapped]], 2, rows=24)
    check_notes("mine", [[GOOD._replace(row=23)]], 1, rows=24)
