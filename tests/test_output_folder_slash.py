"""An output folder whose name has a dot (``take v1.2``, ``T0.1``) was refused as a misnamed MIDI file, also with a
trailing ``/`` (``Path()`` drops it, and the command line's path options are paths). Digits after the last dot are no
file suffix, so such a name is a folder, on the command line and in Python; from Python a name ending in a path
separator is a folder too."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import mvae_core
from mvae_core.cli import app
from mvae_core.errors import InputError


def test_a_dotted_folder_name_ending_in_a_slash_gets_one_file_per_point(tiny_run: Path, tmp_path: Path) -> None:
    loops = mvae_core.generate(tiny_run, random=2, seed=0)
    written = loops.write(f"{tmp_path}/take v1.2/")
    assert [path.parent for path in written] == [tmp_path / "take v1.2"] * 2
    assert all(path.suffix == ".mid" and path.is_file() for path in written)


def test_digits_after_the_last_dot_are_no_suffix(tiny_run: Path, tmp_path: Path) -> None:
    loops = mvae_core.generate(tiny_run, random=2, seed=0)
    assert [path.parent for path in loops.write(tmp_path / "T0.1")] == [tmp_path / "T0.1"] * 2
    with pytest.raises(InputError, match=r"take v1\.2b: a MIDI file's name ends in \.mid or \.midi"):
        loops.write(tmp_path / "take v1.2b")  # a word after the dot: a misnamed file, as before


def test_the_command_line_takes_such_a_folder_with_or_without_the_slash(tiny_run: Path, tmp_path: Path) -> None:
    for given in (f"{tmp_path}/take v1.2/", f"{tmp_path}/take v2.0"):
        result = CliRunner().invoke(app, ["generate", str(tiny_run), "--random", "2", "--out", given])
        assert result.exit_code == 0, result.output
        assert len(list(Path(given).glob("*.mid"))) == 2


def test_a_midi_name_ending_in_a_slash_is_a_folder_too(tiny_run: Path, tmp_path: Path) -> None:
    written = mvae_core.generate(tiny_run, random=1, seed=0).write(f"{tmp_path}/odd.mid/")
    assert written[0].parent == tmp_path / "odd.mid" and written[0].is_file()
