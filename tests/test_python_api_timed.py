"""Notes in seconds for a synth or sequencer of one's own (docs/python_api.md, Play one point at a time): a program
that drives its own sound had to write each loop to MIDI and read it back with pretty_midi, whose file of an empty
loop has no instrument (``midi(0).instruments[0]`` raised IndexError), and ``player.notes`` gave only grid notes
(rows, not pitches; the learned offset, not the grid offset's). ``Generated.timed(i)`` and ``run.timed(notes,
options)`` give the file's notes in seconds, as ``mvae serve`` answers them."""

from __future__ import annotations

import pytest

import mvae_core
from mvae_core.loop_file import step_seconds


def _from_midi(generated: mvae_core.Generated, i: int = 0) -> list[tuple[int, float, float, int]]:
    """File ``i``'s notes as the written MIDI file holds them (pretty_midi's seconds), ordered by start."""
    notes = [note for instrument in generated.midi(i).instruments for note in instrument.notes]
    return sorted((note.pitch, note.start, note.end, note.velocity) for note in notes)


@pytest.mark.parametrize("options", [{}, {"tempo": 96.0, "grid_offset": 0.5}, {"tempo": 180, "grid_offset": 2}])
def test_a_generated_file_in_seconds_is_the_file_it_writes(tiny_run, options):
    generated = mvae_core.generate(tiny_run, [0.5, -1.0], seed=3, loops=2, **options)
    timed = generated.timed(0)
    assert timed and [note["start"] for note in timed] == sorted(note["start"] for note in timed)
    as_written, in_file = (
        sorted((n["pitch"], n["start"], n["end"], n["velocity"]) for n in timed),
        _from_midi(generated),
    )
    assert [(pitch, velocity) for pitch, _, _, velocity in as_written] == [(n[0], n[3]) for n in in_file]
    seconds = [time for note in as_written for time in note[1:3]]
    # the file stores the tempo in whole µs per beat (333,333 at 180 bpm): its seconds are off by up to 1e-6 of them
    assert seconds == pytest.approx([time for note in in_file for time in note[1:3]], rel=1e-5, abs=1e-6)
    assert max(note["step"] for note in timed) >= 32  # the second loop's steps count on from the file's start
    assert max(note["end"] for note in timed) <= 2 * 8 * 60 / options.get("tempo", 120) + 1e-6  # 2 loops, µs rounding


def test_grid_offset_zero_puts_every_note_on_its_step(tiny_run):
    tempo = 100.0
    generated = mvae_core.generate(tiny_run, random=3, seed=1, grid_offset=0, tempo=tempo)
    for i in range(len(generated)):
        assert all(note["start"] == pytest.approx(note["step"] * step_seconds(tempo)) for note in generated.timed(i))


def test_an_empty_loop_is_no_notes(tiny_run):
    generated = mvae_core.generate(tiny_run, [0.0, 0.0], density=0)
    assert generated.loops == [[[]]] and generated.timed(0) == []


def test_the_players_notes_in_seconds_are_generates(tiny_run):
    run = mvae_core.load(tiny_run)
    player = run.player()
    for point, options in (([0.5, -1.0], {}), ([-1.2, 0.3], {"tempo": 87.0, "grid_offset": 1.5, "temperature": 0.5})):
        decode = mvae_core.DecodeOptions(seed=2, **options)
        live = run.timed(player.notes(point, decode), decode)
        written = run.generate(point, seed=2, **options).timed(0)
        assert [(n["pitch"], n["velocity"], n["step"]) for n in live] == [
            (n["pitch"], n["velocity"], n["step"]) for n in written
        ]
        times = [n[key] for n in written for key in ("start", "end")]
        assert [n[key] for n in live for key in ("start", "end")] == pytest.approx(times)
    assert run.timed([]) == []


@pytest.mark.parametrize(
    ("notes", "options", "message"),
    [
        (
            "loops",
            {"tempo": 96},
            r"^options is a DecodeOptions \(mvae_core.DecodeOptions\(\*\*\{'tempo': 96\}\)\), got",
        ),
        ("file", None, r"^notes are one loop's notes .*generated.timed\(i\)"),
        ("text", None, r"^notes are one loop's notes \(a list of mvae_core.Note"),
        ("number", None, r"^notes are one loop's notes .*got 5$"),
        ("one note", None, r"^notes are one loop's notes .*got Note\(step="),
    ],
)
def test_what_is_not_one_loop_or_its_options_is_named(tiny_run, notes, options, message):
    run = mvae_core.load(tiny_run)
    generated = run.generate([0.5, -1.0], loops=2)
    loop = generated[0][0]
    given = {"loops": loop, "file": generated[0], "text": "C4 E4 G4", "number": 5, "one note": loop[0]}[notes]
    with pytest.raises(mvae_core.OptionError, match=message):
        run.timed(given, options)
