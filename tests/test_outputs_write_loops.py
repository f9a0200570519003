""":func:`mvae_core.outputs.write_loops`: what ``mvae generate`` and ``mvae interpolate`` write, as a call. A notebook
writing MIDI and WAV gets the command's guarantee: every file checked before any is written, and a failure while
rendering names what was written before it (before, that sequence lived only in the two commands)."""

from __future__ import annotations

import pytest

import mvae_core
from mvae_core import audio
from mvae_core.errors import InputError, OptionError
from mvae_core.outputs import PartlyWritten, write_loops


@pytest.fixture(scope="module")
def loops(tiny_run):
    return mvae_core.generate(tiny_run, random=2, seed=1)


def test_midi_and_wav_are_written_and_named(loops, tmp_path):
    written = write_loops([(loops, tmp_path / "mid")], audio=tmp_path / "wav", renderer="builtin")
    assert written.midi == loops.files(tmp_path / "mid", "MIDI") and all(f.is_file() for f in written.midi)
    assert written.wavs == loops.files(tmp_path / "wav", "WAV") and all(f.is_file() for f in written.wavs)
    assert written.renderer == "built-in synth"


def test_a_wav_that_is_there_stops_every_file_before_any_midi_is_written(loops, tmp_path):
    wav = loops.files(tmp_path / "wav", "WAV")[1]
    wav.parent.mkdir()
    wav.write_bytes(b"kept")
    with pytest.raises(InputError) as refused:
        write_loops([(loops, tmp_path / "mid")], audio=tmp_path / "wav", renderer="builtin")
    assert not (tmp_path / "mid").exists() and wav.read_bytes() == b"kept"
    assert str(refused.value).endswith("give another out and audio (a new folder or file name); to replace it, pass "
                                       "overwrite=True")  # fmt: skip
    assert refused.value.command_line_message().endswith(
        "from an earlier command (a folder's loops are named by their latent points, whatever the seed, temperature "
        "or tempo): nothing was written; to keep it, give another --out and --audio (a new folder or file name); to "
        "replace it, add --overwrite"
    )


def test_a_renderer_that_cannot_render_stops_before_any_midi_is_written(loops, tmp_path):
    with pytest.raises(OptionError, match=r"^renderer must be one of"):
        write_loops([(loops, tmp_path / "mid")], audio=tmp_path / "wav", renderer="bogus")
    assert not (tmp_path / "mid").exists()


def test_a_failure_while_rendering_names_what_was_written(loops, tmp_path, monkeypatch):
    def fails(*args, **kwargs):
        raise InputError("the synth failed on this loop")

    monkeypatch.setattr(audio, "_builtin", fails)
    with pytest.raises(PartlyWritten) as failed:
        write_loops([(loops, tmp_path / "mid")], audio=tmp_path / "wav", renderer="builtin")
    midi = loops.files(tmp_path / "mid", "MIDI")
    assert str(failed.value) == (
        f"the synth failed on this loop; written before it: the 2 MIDI files ({midi[0]}, {midi[1]}), no WAV file"
    )
    assert failed.value.exit_code == 2 and isinstance(failed.value.cause, InputError)
