"""A file that a run's [data] settings leave without a loop: the message says those settings are the run's."""

from __future__ import annotations

import httpx
import pretty_midi
import pytest

from mvae_core.serve.server import LiveServer
from mvae_core.tools import ToolError
from mvae_core.tools.encode import file_loops

RUNS = "that setting is the run's, fixed when it was trained"


def _riff(path, notes: int) -> None:
    """A 2-bar 4/4 riff of ``notes`` quarter notes at 120 bpm (fewer than data.min_onsets = 6 when under 6)."""
    midi = pretty_midi.PrettyMIDI(initial_tempo=120)
    part = pretty_midi.Instrument(0)
    part.notes = [pretty_midi.Note(90, 60 + k, k * 0.5, k * 0.5 + 0.4) for k in range(notes)]
    midi.instruments.append(part)
    midi.write(str(path))


def test_a_sparse_riff_dropped_on_the_page_is_told_the_setting_is_the_runs(tiny_run, tmp_path):
    """The page (and mvae encode) answered a 3-note riff with the training advice '--set data.min_onsets=3', an
    option neither takes; it now says the setting is the run's and what to do instead."""
    riff = tmp_path / "riff.mid"
    _riff(riff, 3)
    with LiveServer(tiny_run, port=0) as server:
        answer = httpx.post(server.url + "api/encode", content=riff.read_bytes(), headers={"X-Filename": "riff.mid"})
    assert answer.status_code == 422
    error = answer.json()["error"]
    assert error.startswith("riff.mid: no loop to encode (no loop with enough notes: ")
    assert error.endswith(
        f"{RUNS} (mvae encode, interpolate and serve read a file as their run does): give another "
        "file, or train a new run with it"
    )


def test_a_file_of_no_4_4_bar_names_the_meter_setting_as_the_runs(tiny_run, tmp_path):
    """The data report's advice for a file in 3/4 names ``--set data.meter=4/4`` (for files whose time signatures are
    wrong): to mvae encode it is the run's setting, as for a sparse riff."""
    import mvae_core

    waltz = tmp_path / "waltz.mid"
    midi = pretty_midi.PrettyMIDI(initial_tempo=120)
    midi.time_signature_changes.append(pretty_midi.TimeSignature(3, 4, 0))
    part = pretty_midi.Instrument(0)
    part.notes = [pretty_midi.Note(90, 60 + k % 12, k * 0.25, k * 0.25 + 0.2) for k in range(60)]
    midi.instruments.append(part)
    midi.write(str(waltz))
    with pytest.raises(ToolError, match=r"no 4/4 bar: .*--set data\.meter=4/4 .*\); " + RUNS):
        file_loops(waltz, mvae_core.load(tiny_run).config)
