"""``Generated.write`` and ``write_audio`` replaced the files of an earlier write in silence, where ``mvae generate``
refuses to (a loop is named by its latent point, the same for another seed or temperature: a loop that was liked
was lost). Now they refuse the same way, by the same rule (``api.refuse_overwriting``), writing nothing and naming
the files and the two ways on; ``overwrite=True`` replaces them."""

from __future__ import annotations

from pathlib import Path

import pytest

import mvae_core
from mvae_core.errors import InputError


def contents(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def test_write_again_into_a_folder_keeps_the_loops_there(tiny_run: Path, tmp_path: Path) -> None:
    out = tmp_path / "loops"
    liked = mvae_core.generate(tiny_run, random=2, seed=1)
    files = liked.write(out)
    kept = contents(out)
    hotter = mvae_core.generate(tiny_run, random=2, seed=1, temperature=2.0)  # the same points: the same names
    with pytest.raises(InputError) as refused:
        hotter.write(out)
    assert contents(out) == kept
    assert str(refused.value) == (
        f"{files[0]}, {files[1]} are already there, from an earlier write (a folder's loops are named by their latent "
        "points, whatever the seed, temperature or tempo): nothing was written; to keep them, give another out (a new "
        "folder or file name); to replace them, pass overwrite=True"
    )


def test_one_file_there_of_several_writes_none(tiny_run: Path, tmp_path: Path) -> None:
    out = tmp_path / "loops"
    generated = mvae_core.generate(tiny_run, random=3, seed=1)
    first, *others = generated.files(out, "MIDI")
    out.mkdir()
    first.write_bytes(b"a loop I liked")
    with pytest.raises(InputError, match="is already there, from an earlier write"):
        generated.write(out)
    assert first.read_bytes() == b"a loop I liked"
    assert not any(path.exists() for path in others)


def test_overwrite_true_replaces_them(tiny_run: Path, tmp_path: Path) -> None:
    out = tmp_path / "pad.mid"
    mvae_core.generate(tiny_run, z=[0.5, -1.0], seed=1).write(out)
    assert mvae_core.generate(tiny_run, z=[0.5, -1.0], seed=2).write(out, overwrite=True) == [out]


def test_write_audio_refuses_the_same_way(tiny_run: Path, tmp_path: Path) -> None:
    out = tmp_path / "pad.wav"
    generated = mvae_core.generate(tiny_run, z=[0.5, -1.0], seed=1)
    out.write_bytes(b"a take I liked")
    with pytest.raises(InputError, match=r"pad\.wav is already there, .*to replace it, pass overwrite=True"):
        generated.write_audio(out, renderer="builtin")
    assert out.read_bytes() == b"a take I liked"
    files, _ = generated.write_audio(out, renderer="builtin", overwrite=True)
    assert files == [out]
    assert out.read_bytes()[:4] == b"RIFF"
