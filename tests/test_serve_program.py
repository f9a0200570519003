"""``mvae serve --program``: the page's MIDI and WAV downloads asked for a piano whatever the musician played, as
``mvae generate`` did before its ``--program``. The instrument is the server's (not a knob), checked before the run
is loaded; MIDI out sends no program change (a DAW's track keeps its own instrument)."""

from __future__ import annotations

import io
from pathlib import Path

import httpx
import mido
import pytest
from typer.testing import CliRunner

from mvae_core import audio
from mvae_core.cli import app
from mvae_core.errors import OptionError
from mvae_core.serve.engine import Engine
from mvae_core.serve.server import LiveServer

BODY = {"z": [0.25, 0.25], "seed": 1}


def _programs(content: bytes) -> list[int]:
    midi = mido.MidiFile(file=io.BytesIO(content))
    return [message.program for track in midi.tracks for message in track if message.type == "program_change"]


def test_the_downloads_ask_for_the_servers_program(tiny_run: Path) -> None:
    with (
        LiveServer(tiny_run, port=0, program="alto sax") as live,
        httpx.Client(base_url=live.url, timeout=30) as http,
    ):
        assert _programs(http.post("/api/midi", json=BODY).content) == [65]
        assert http.post("/api/wav", json=BODY).content[:4] == b"RIFF"


def test_a_server_without_program_asks_for_a_piano(tiny_run: Path) -> None:
    engine = Engine(tiny_run)
    assert _programs(engine.midi(engine.loop(engine.request({"z": [0.0, 0.0]})))) == [0]


@pytest.mark.skipif(audio.fluidsynth_missing() is not None, reason="the fluidsynth program is not installed")
def test_the_wav_plays_the_program(tiny_run: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    played: list[int] = []
    render = audio.render
    monkeypatch.setattr(audio, "render", lambda *a, **k: played.append(k["program"]) or render(*a, **k))
    engine = Engine(tiny_run, program=67)
    engine.wav(engine.loop(engine.request({"z": [0.0, 0.0]})))
    assert played == [67]


def test_an_instrument_that_is_none_is_refused_before_the_run_is_read(tmp_path: Path) -> None:
    with pytest.raises(OptionError, match=r"^program is not a General MIDI instrument: 'kazoo'"):
        Engine(tmp_path / "no-run", program="kazoo")
    printed = CliRunner().invoke(app, ["serve", str(tmp_path / "no-run"), "--port", "0", "--program", "kazoo"])
    assert printed.exit_code == 2 and "--program is not a General MIDI instrument" in printed.stderr
