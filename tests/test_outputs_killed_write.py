"""A loop write killed midway (``kill -9`` of ``mvae generate``) left a hidden ``.NAME.xxxx.tmp.mid`` in the output
folder for ever, even after ``--overwrite`` wrote NAME again: :func:`~mvae_core.outputs.write_loops` (through
``Generated.write`` and ``write_audio``) now removes the temporaries of the files it is about to write, as a training
removes those of its run files (one function, ``files.remove_temporaries``). A Ctrl-C while the loops are written says
which of them were written."""

from __future__ import annotations

import pytest

import mvae_core
from mvae_core import api
from mvae_core.errors import RunInterrupted
from mvae_core.files import remove_temporaries
from mvae_core.outputs import write_loops


@pytest.fixture(scope="module")
def loops(tiny_run):
    return mvae_core.generate(tiny_run, random=3, seed=1)


def test_a_killed_writes_temporary_is_removed_when_its_file_is_written_again(loops, tmp_path):
    out = tmp_path / "loops"
    files = loops.files(out, "MIDI")
    out.mkdir()
    killed = out / f".{files[1].stem}.k2x8q_0a.tmp.mid"  # as files.atomic_write names it
    killed.write_bytes(b"MThd half a loop")
    other = out / ".another.k2x8q_0a.tmp.mid"  # of a file this call does not write: left
    other.write_bytes(b"MThd")
    write_loops([(loops, out)])
    assert sorted(p.name for p in out.iterdir()) == sorted([other.name, *(f.name for f in files)])


@pytest.mark.parametrize("kind", ["MIDI", "WAV"])
def test_a_notebooks_own_write_removes_them_too(loops, tmp_path, kind):
    """``Generated.write`` and ``write_audio``, called from Python without write_loops, left them."""
    out = tmp_path / "loops"
    files = loops.files(out, kind)
    out.mkdir()
    killed = out / f".{files[0].stem}.k2x8q_0a.tmp{files[0].suffix}"
    killed.write_bytes(b"half a loop")
    if kind == "MIDI":
        loops.write(out)
    else:
        loops.write_audio(out, renderer="builtin")
    assert sorted(p.name for p in out.iterdir()) == sorted(f.name for f in files)


def test_only_the_temporaries_of_the_named_files_are_removed(tmp_path):
    names = [".a.k2x8q_0a.tmp.mid", ".a.b.k2x8q_0a.tmp.mid", ".a.tmp.mid", ".a.k2x8q_0a.tmp.wav", "a.mid"]
    for name in names:
        (tmp_path / name).write_bytes(b"12")
    assert remove_temporaries([tmp_path / "a.mid", tmp_path / "gone" / "a.mid"]) == {".a.k2x8q_0a.tmp.mid": 2}
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names[1:])


def test_ctrl_c_while_the_loops_are_written_names_those_written(loops, tmp_path, monkeypatch):
    writes, write_midi = [], api.write_midi

    def interrupted_at_the_third(*args, **kwargs):
        writes.append(1)
        if len(writes) == 3:
            raise KeyboardInterrupt
        return write_midi(*args, **kwargs)

    monkeypatch.setattr(api, "write_midi", interrupted_at_the_third)
    try:
        write_loops([(loops, tmp_path / "mid")], audio=tmp_path / "wav", renderer="builtin")
    except KeyboardInterrupt:
        pytest.fail("the stop came through as it was, naming no file")  # and stopping pytest
    except RunInterrupted as exc:
        stopped = exc
    first, second, _ = loops.files(tmp_path / "mid", "MIDI")
    assert str(stopped) == (
        f"interrupted while writing the loops; written before it: 2 of the 3 MIDI files ({first}, {second}), no WAV "
        "file"
    )
    assert stopped.exit_code == 130
    assert sorted((tmp_path / "mid").iterdir()) == [first, second]  # and no temporary of the third
