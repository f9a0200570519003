"""A musician generates again into the folder (or file name) of loops they liked: ``mvae generate`` and ``mvae
interpolate`` replaced those files in silence (a loop is named by its latent point, the same for another seed or
temperature; ``--out pad.mid`` is the same name every time), and a WAV written beside them no longer matched its MIDI
file. Now a command whose files are there writes nothing and exits 2, naming them and the two ways on (another
``--out``, or ``--overwrite``)."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from mvae_core.cli import app

runner = CliRunner()


def mvae(*args: object):
    return runner.invoke(app, [str(a) for a in args])


def said(result) -> str:
    return " ".join(result.stderr.split())


def contents(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def test_generate_again_into_a_folder_keeps_the_loops_there(tiny_run: Path, tmp_path: Path) -> None:
    out = tmp_path / "loops"
    first = mvae("generate", tiny_run, "--random", 2, "--seed", 1, "--out", out)
    assert first.exit_code == 0, first.output
    liked = contents(out)
    again = mvae("generate", tiny_run, "--random", 2, "--seed", 1, "--temperature", 2, "--out", out)
    assert again.exit_code == 2, again.output
    names = ", ".join(str(out / name) for name in liked)
    assert f"error: {names} are already there, from an earlier command" in said(again)
    assert "nothing was written; to keep them, give another --out (a new folder or file name)" in said(again)
    assert "to replace them, add --overwrite" in said(again)
    assert contents(out) == liked
    replaced = mvae("generate", tiny_run, "--random", 2, "--seed", 1, "--temperature", 2, "--out", out, "--overwrite")
    assert replaced.exit_code == 0, replaced.output
    assert sorted(contents(out)) == sorted(liked) and contents(out) != liked


def test_generate_writes_no_midi_when_its_wav_is_there(tiny_run: Path, tmp_path: Path) -> None:
    """The WAV counts as much as the MIDI file: the MIDI file is not written when the WAV would be refused."""
    (tmp_path / "pad.wav").write_bytes(b"a take I liked")
    args = ["--z", "0.5,-1", "--out", tmp_path / "pad.mid", "--audio", tmp_path / "pad.wav", "--renderer", "builtin"]
    result = mvae("generate", tiny_run, *args)
    assert result.exit_code == 2, result.output
    assert f"error: {tmp_path / 'pad.wav'} is already there" in said(result)
    assert "to keep it, give another --out and --audio" in said(result)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pad.wav"]
    assert (tmp_path / "pad.wav").read_bytes() == b"a take I liked"


def test_interpolate_again_keeps_the_files_there_and_its_one_file(tiny_run: Path, tmp_path: Path) -> None:
    out = tmp_path / "morph"
    out.mkdir()
    (out / "interpolation.mid").write_bytes(b"an earlier morph")
    line = ["--from", "-1,0", "--to", "1,0", "--steps", 3, "--out", out]
    result = mvae("interpolate", tiny_run, *line, "--one-file")
    assert result.exit_code == 2, result.output
    assert f"error: {out / 'interpolation.mid'} is already there" in said(result)
    assert contents(out) == {"interpolation.mid": b"an earlier morph"}  # not the 3 loops either
    assert mvae("interpolate", tiny_run, *line).exit_code == 0  # without --one-file, no file of its is there
    replaced = mvae("interpolate", tiny_run, *line, "--one-file", "--overwrite")
    assert replaced.exit_code == 0, replaced.output
    assert len(contents(out)) == 4 and contents(out)["interpolation.mid"] != b"an earlier morph"


def test_the_refusal_quickstart_quotes_is_the_one_mvae_prints(tiny_run: Path, tmp_path: Path, monkeypatch) -> None:
    """docs/quickstart.md (3. Generate) quotes the line; its commands write each take under a name of its own."""
    page = (Path(__file__).resolve().parents[1] / "docs" / "quickstart.md").read_text(encoding="utf-8")
    [quoted] = [line for line in page.splitlines() if line.startswith("error: pad.mid is already there")]
    monkeypatch.chdir(tmp_path)
    assert mvae("generate", tiny_run, "--z", "0.5,-1", "--out", "pad.mid").exit_code == 0
    again = mvae("generate", tiny_run, "--z", "0.5,-1", "--out", "pad.mid", "--seed", 2)
    assert again.exit_code == 2 and said(again) == quoted
