"""``mvae generate``'s two notes (``--walk`` with one loop per file; a folder that also holds an earlier command's
loops) were the command's alone (helper-464 F4): a notebook that wrote two generations into one folder, or walked
with one loop per file, was told nothing. The library raises them as warnings, attributed to the caller's line; the
command shows them as it did (tests/test_generate_loops_option.py, tests/test_tools_cli_refusals.py)."""

from __future__ import annotations

import warnings

import pytest

import mvae_core
from mvae_core.outputs import write_loops


def test_walk_with_one_loop_per_file_warns_the_caller(tiny_run):
    with pytest.warns(mvae_core.WalkWithOneLoop) as caught:
        walked = mvae_core.generate(tiny_run, random=2, walk=1.5, seed=3)
    assert len(caught) == 1 and caught[0].filename == __file__
    said = "walk is the distance between the loops of a file, and each file has one loop; give loops=N"
    assert str(caught[0].message) == said
    assert caught[0].message.command_line_message() == said.replace("walk", "--walk", 1).replace("loops=N", "--loops N")
    with warnings.catch_warnings():
        warnings.simplefilter("error", mvae_core.WalkWithOneLoop)
        plain = mvae_core.generate(tiny_run, random=2, seed=3)  # the default walk: nothing asked of it
        mvae_core.generate(tiny_run, random=2, loops=2, walk=1.5, seed=3)  # a walk between two loops
    assert walked == plain  # it moved nothing indeed


def test_a_second_write_into_one_folder_names_the_first_ones_loops(tiny_run, tmp_path):
    out, wavs = tmp_path / "loops", tmp_path / "wavs"
    first = mvae_core.generate(tiny_run, random=2, seed=1)
    with warnings.catch_warnings():
        warnings.simplefilter("error", mvae_core.EarlierLoopFiles)
        write_loops([(first, out)], audio=wavs, renderer="builtin")
        write_loops([(first, out)], audio=wavs, renderer="builtin", overwrite=True)  # the same names: replaced
        write_loops([(first.joined(), out / "pad.mid")])  # a file named by the caller is no folder's loop
    other = mvae_core.generate(tiny_run, random=2, seed=2)
    with pytest.warns(mvae_core.EarlierLoopFiles) as caught:
        written = write_loops([(other, out)], audio=wavs, renderer="builtin")
    assert [w.message.folder for w in caught] == [out, wavs]  # MIDI folder first
    assert all(w.filename == __file__ for w in caught)
    midi = caught[0].message
    assert midi.earlier == sorted(set(out.glob("*_z_*.mid")) - set(written.midi))
    assert str(midi).startswith(f"{out} also holds 2 loop files this call did not write (")
    assert "an earlier call's or command's, which a DAW would load with these" in str(midi)
    assert midi.command_line_message().startswith(f"{out} also holds 2 loop files this command did not write (")
    assert "): an earlier command's, which a DAW" in midi.command_line_message()


def test_an_interpolations_joined_file_counts_as_a_loop_when_named(tiny_run, tmp_path):
    out = tmp_path / "morph"
    line = mvae_core.interpolate(tiny_run, [-1, 0], [1, 0], steps=4)
    write_loops([(line, out), (line.joined(), out / "interpolation.mid")])
    other = mvae_core.interpolate(tiny_run, [0, -1], [0, 1], steps=3)
    with pytest.warns(mvae_core.EarlierLoopFiles) as caught:
        write_loops([(other, out)], loop_names=("interpolation.mid", "interpolation.wav"))
    assert [path.name for path in caught[0].message.earlier][-1] == "interpolation.mid"
    assert len(caught[0].message.earlier) == 5  # the four loops and the joined file
