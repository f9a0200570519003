"""An output folder whose name has a dot (``take v1.2``, ``T0.1``) is taken as a folder when it ends in a path
separator, as a shell's completion writes it. ``Path()`` dropped the trailing ``/`` before the suffix check, so
``--out "tt/T0.1/"`` was refused as a misnamed MIDI file, echoing the name without the slash that was typed."""

from __future__ import annotations

from pathlib import Path

import pytest

import mvae_core
from mvae_core.errors import InputError


def test_a_dotted_folder_name_ending_in_a_slash_gets_one_file_per_point(tiny_run: Path, tmp_path: Path) -> None:
    loops = mvae_core.generate(tiny_run, random=2, seed=0)
    written = loops.write(f"{tmp_path}/take v1.2/")
    assert [path.parent for path in written] == [tmp_path / "take v1.2"] * 2
    assert all(path.suffix == ".mid" and path.is_file() for path in written)


def test_without_the_slash_it_is_refused_saying_the_slash_would_do(tiny_run: Path, tmp_path: Path) -> None:
    loops = mvae_core.generate(tiny_run, random=2, seed=0)
    with pytest.raises(InputError, match=r"a new folder's name without a suffix or ending in /$"):
        loops.write(tmp_path / "take v1.2")
    assert not (tmp_path / "take v1.2").exists()


def test_a_midi_name_ending_in_a_slash_is_a_folder_too(tiny_run: Path, tmp_path: Path) -> None:
    written = mvae_core.generate(tiny_run, random=1, seed=0).write(f"{tmp_path}/odd.mid/")
    assert written[0].parent == tmp_path / "odd.mid" and written[0].is_file()
