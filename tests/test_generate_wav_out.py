"""``mvae generate RUN --out loop.wav`` (a WAV asked of the MIDI output) is refused naming ``--audio``, which writes
one: it only said that a MIDI file's name ends in .mid, or, with loop.wav there, that a folder is needed."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from mvae_core.cli import app


def _generate(run: Path, out: Path) -> tuple[int, str]:
    printed = CliRunner().invoke(app, ["generate", str(run), "--z", "0.5,-1", "--out", str(out)])
    return printed.exit_code, " ".join(printed.stderr.split())


def test_a_new_wav_name_is_refused_naming_audio(tiny_run: Path, tmp_path: Path) -> None:
    out = tmp_path / "loop.wav"
    code, said = _generate(tiny_run, out)
    assert code == 2 and said.endswith(f"a WAV is written beside the MIDI: --audio {out} (write_audio from Python)")
    assert not out.exists()


def test_an_existing_wav_is_refused_naming_audio_and_left_alone(tiny_run: Path, tmp_path: Path) -> None:
    out = tmp_path / "loop.wav"
    out.write_bytes(b"RIFF")
    code, said = _generate(tiny_run, out)
    assert code == 2 and said.endswith(f"--audio {out} (write_audio from Python)"), said
    assert out.read_bytes() == b"RIFF"


def test_a_folder_name_gets_no_wav_advice(tiny_run: Path, tmp_path: Path) -> None:
    out = tmp_path / "loops.txt"
    code, said = _generate(tiny_run, out)
    assert code == 2 and "--audio" not in said, said
