"""Files a music folder often holds under a ``.mid`` name that are not MIDI are named, with what to give instead.

``data inspect`` of a musician's folder said only ``not a MIDI file (no MThd header)`` for an MP3 (``ID3``) and a
text file named ``.mid``; gzip (Ableton) and RIFF data were named. Now MP3 (an ID3 tag, or a frame's sync bytes),
FLAC, Ogg, XML (MusicXML, MuseScore), a web page and plain text are named too, by the one table,
:data:`~mvae_core.data.midi.NOT_MIDI_FILES`."""

from __future__ import annotations

import pytest

from mvae_core.config import DataConfig
from mvae_core.data.midi import read_midi_bytes
from mvae_core.data.score import SkipFile, SkipReason

AUDIO = "mvae reads MIDI, not audio: give the MIDI file the audio was made from, or transcribe it to MIDI"


@pytest.mark.parametrize(
    ("data", "looks_like"),
    [
        (b"ID3\x04\x00\x00\x00\x00\x00\x00" + bytes(64), f"MP3 audio: {AUDIO}"),
        (b"\xff\xfb\x90\x64" + bytes(64), f"MP3 audio: {AUDIO}"),
        (b"\xff\xf3\x48\xc4" + bytes(64), f"MP3 audio: {AUDIO}"),
        (b"\xff\xf2\x48\xc4" + bytes(64), f"MP3 audio: {AUDIO}"),
        (b"fLaC\x00\x00\x00\x22" + bytes(64), f"FLAC audio: {AUDIO}"),
        (b"OggS\x00\x02" + bytes(64), f"Ogg audio (Vorbis or Opus): {AUDIO}"),
        (b'<?xml version="1.0" encoding="UTF-8"?>\n<score-partwise version="4.0">', "an XML file (MusicXML"),
        (b"\xef\xbb\xbf<?xml version='1.0'?>\n<museScore version=\"3.02\">", "an XML file (MusicXML"),
        (b"<!DOCTYPE html>\n<html><body>Not found</body></html>", "a web page (a download that saved the site's page"),
        (b"Verse 1\r\nC D E F G A B c\r\n", "a text file (notes, lyrics, ABC): give the MIDI file itself"),
    ],
)
def test_a_common_file_that_is_not_midi_is_named(data, looks_like):
    with pytest.raises(SkipFile) as skip:
        read_midi_bytes(data, DataConfig())
    assert skip.value.reason is SkipReason.NOT_MIDI
    assert skip.value.detail.startswith(f"no MThd header; it looks like {looks_like}"), skip.value.detail


@pytest.mark.parametrize("data", [b"\x00\x01\x02\x03" + bytes(64), "Mélodie en ré\n".encode(), b"\xff\xd8\xff\xe0JFIF"])
def test_bytes_it_cannot_name_keep_the_plain_detail(data):
    with pytest.raises(SkipFile) as skip:
        read_midi_bytes(data, DataConfig())
    assert skip.value.detail == "no MThd header"
