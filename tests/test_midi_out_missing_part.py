"""``--midi-out`` (and ``--midi-clock-in``) where no virtual MIDI port can be made names the part this machine lacks:
python-rtmidi only when it is not installed, the ALSA sequencer when rtmidi is there but ``/dev/snd/seq`` is not.
Before, a Linux machine with python-rtmidi installed and no ALSA sequencer (a container) was told to pip install
python-rtmidi, though the error it quoted came from rtmidi."""

from __future__ import annotations

from pathlib import Path

import pytest

from mvae_core.serve import midi_out
from mvae_core.serve.midi_out import MidiOutError, open_virtual_output
from mvae_core.tools import install_command

ALSA_FAILS = "MidiOutAlsa::initialize: error creating ALSA sequencer client object."


def alsa_fails(name: str, **options: object) -> None:
    raise SystemError(ALSA_FAILS)


@pytest.fixture
def linux_without_alsa(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A Linux machine with python-rtmidi installed and no /dev/snd/seq, where rtmidi's ALSA client fails."""
    monkeypatch.setattr(midi_out.mido, "open_output", alsa_fails)
    monkeypatch.setattr(midi_out.sys, "platform", "linux")
    monkeypatch.setattr(midi_out, "ALSA_SEQUENCER", tmp_path / "no-seq")
    monkeypatch.setattr(midi_out.importlib.util, "find_spec", lambda name: object())  # rtmidi is there


def test_with_rtmidi_and_no_alsa_sequencer_the_sequencer_is_named(linux_without_alsa, tmp_path):
    with pytest.raises(MidiOutError) as refused:
        open_virtual_output("mvae")
    assert str(refused.value) == (
        f"--midi-out mvae: cannot create a virtual MIDI port here ({ALSA_FAILS.rstrip('.')}). python-rtmidi is "
        f"installed, but this machine has no ALSA sequencer ({tmp_path / 'no-seq'}), which virtual MIDI ports need "
        "on Linux: modprobe snd-seq (a container needs the host's /dev/snd); or drop --midi-out"
    )
    assert "pip" not in str(refused.value)


def test_without_rtmidi_only_rtmidi_is_named(linux_without_alsa, monkeypatch):
    monkeypatch.setattr(midi_out.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(MidiOutError) as refused:
        open_virtual_output("mvae")
    message = str(refused.value)
    assert f"Virtual MIDI ports need python-rtmidi, which is not installed: {install_command('mvae[serve]')}" in message
    assert "ALSA sequencer (" not in message
