"""`--soundfont`: a file that is not a SoundFont is refused before fluidsynth plays its own default instead."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mvae_core import audio
from mvae_core.cli import app
from mvae_core.errors import InputError

SHIPPED = Path(importlib.util.find_spec("pretty_midi").origin).parent / "TimGM6mb.sf2"


def test_a_file_that_is_not_a_soundfont_is_refused_naming_it(tmp_path: Path) -> None:
    junk = tmp_path / "piano.sf2"
    junk.write_bytes(b"RIFF\x00\x00\x00\x00WAVEfmt ")  # a WAV named .sf2
    with pytest.raises(InputError, match=r"soundfont .*piano\.sf2: not a SoundFont 2 file"):
        audio.find_soundfont(junk)


def test_a_soundfont_from_the_environment_is_checked_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    junk = tmp_path / "env.sf2"
    junk.write_text("not a soundfont")
    monkeypatch.setenv("MVAE_SOUNDFONT", str(junk))
    with pytest.raises(InputError, match=r"\$MVAE_SOUNDFONT .*env\.sf2: not a SoundFont 2 file"):
        audio.find_soundfont()


def test_a_real_soundfont_is_taken_as_given() -> None:
    assert audio.find_soundfont(SHIPPED) == str(SHIPPED)


def test_generate_with_a_junk_soundfont_exits_2(tiny_run: Path, tmp_path: Path) -> None:
    junk = tmp_path / "junk.sf2"
    junk.write_text("junk")
    args = ["generate", str(tiny_run), "--z", "0,0", "--out", str(tmp_path / "a.mid")]
    result = CliRunner().invoke(app, [*args, "--audio", str(tmp_path / "a.wav"), "--soundfont", str(junk)])
    assert result.exit_code == 2, result.output
    assert "not a SoundFont 2 file" in " ".join(result.output.split())
    assert not (tmp_path / "a.wav").exists()
