"""A DAW user's folders: a Mac's AppleDouble twins (``._song.mid``) and names with spaces.

macOS writes ``._song.mid`` (the Finder's metadata, not MIDI, hidden on a Mac) beside every ``song.mid`` it copies
to a USB stick or a network share. A folder search leaves them out: they used to be skipped one by one as `not a
MIDI file`, a file the user cannot see. The example file that ``mvae encode FOLDER`` suggests is quoted for the
shell, since DAW exports have spaces in their names.
"""

from __future__ import annotations

import shlex

import pytest

from mvae_core.config import DataConfig, MvaeConfig
from mvae_core.data.load import load_dataset
from mvae_core.data.sources import walk_midi
from mvae_core.tools import ToolError
from mvae_core.tools.encode import file_loops
from tests.synth import SynthNote, write_midi

APPLEDOUBLE = b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        " + bytes(64)


def tune(path):
    return write_midi(path, [SynthNote(60 + s % 7, s * 240, (s + 1) * 240) for s in range(0, 64, 2)])


def test_a_folder_search_leaves_out_appledouble_twins(tmp_path):
    tune(tmp_path / "Lead Clip.mid")
    (tmp_path / "._Lead Clip.mid").write_bytes(APPLEDOUBLE)
    _, report = load_dataset([str(tmp_path)], DataConfig(cache_dir="none"))
    assert [(e["source"], e["status"]) for e in report.entries] == [(str(tmp_path / "Lead Clip.mid"), "ok")]


def test_an_appledouble_file_named_on_the_command_line_is_still_reported(tmp_path):
    (tmp_path / "._Lead Clip.mid").write_bytes(APPLEDOUBLE)
    _, report = load_dataset([str(tmp_path / "._Lead Clip.mid")], DataConfig(cache_dir="none"))
    assert [e["reason"] for e in report.entries] == ["not a MIDI file"]


def test_encode_of_a_folder_suggests_a_real_midi_file_quoted_for_the_shell(tmp_path):
    folder = tmp_path / "Ableton Project"
    tune(folder / "Lead Clip.mid")
    (folder / "._Lead Clip.mid").write_bytes(APPLEDOUBLE)
    with pytest.raises(ToolError) as error:
        file_loops(folder, MvaeConfig())
    message = str(error.value)
    assert "(1 MIDI file in it)" in message
    assert message.endswith(f"e.g. mvae encode RUN {shlex.quote(str(folder / 'Lead Clip.mid'))}")
    assert shlex.split(message.rsplit("e.g. ", 1)[1])[-1] == str(folder / "Lead Clip.mid")


def test_smf_and_kar_files_are_midi_in_a_folder_and_to_encode(tmp_path):
    # a keyboard's sequencer saves SONG.SMF; a karaoke collection is .kar: both are Standard MIDI Files
    tune(tmp_path / "SONG.SMF")
    tune(tmp_path / "hit.kar")
    (tmp_path / "hit.kar").write_bytes((tmp_path / "hit.kar").read_bytes() + b"\0")  # not a duplicate of SONG.SMF
    _, report = load_dataset([str(tmp_path)], DataConfig(cache_dir="none"))
    assert sorted(e["source"].rsplit("/", 1)[1] for e in report.entries if e["status"] == "ok") == [
        "SONG.SMF",
        "hit.kar",
    ]
    loops = file_loops(tmp_path / "hit.kar", MvaeConfig(data=DataConfig(cache_dir="none")))
    assert loops.dense.shape[0] == 2


def test_encode_names_the_midi_suffixes_for_a_daw_project_file(tmp_path):
    (tmp_path / "Lead Clip.als").write_bytes(b"\x1f\x8b")
    with pytest.raises(ToolError, match=r"not a MIDI file \(expected a \.mid, \.midi, \.smf or \.kar file\)"):
        file_loops(tmp_path / "Lead Clip.als", MvaeConfig())


def test_symlinked_folders_are_searched_once_and_link_loops_end(tmp_path):
    """A musician's data folder of links to albums (helper-413 F3): the linked folders were passed over in silence."""
    albums, data = tmp_path / "albums", tmp_path / "data"
    tune(data / "own" / "a.mid")
    tune(albums / "jazz" / "b.mid")
    (albums / "jazz" / "b.mid").write_bytes((albums / "jazz" / "b.mid").read_bytes() + b"\0")  # not a duplicate
    (data / "jazz").symlink_to(albums / "jazz")
    (data / "jazz again").symlink_to(albums / "jazz")  # the same folder twice: searched once
    (data / "own" / "up").symlink_to(data)  # a loop
    (data / "own" / "mine").symlink_to(data / "own")  # the folder itself
    _, report = load_dataset([str(data)], DataConfig(cache_dir="none"))
    assert sorted((e["source"], e["status"]) for e in report.entries) == [
        (str(data / "jazz" / "b.mid"), "ok"),
        (str(data / "own" / "a.mid"), "ok"),
    ]


def test_a_link_up_never_searches_beside_the_data_folder(tmp_path):
    """``data/up -> ..`` (or ``home -> ~``) led the search out to the data folder's siblings, and deeper inside a
    followed link as well (helper-424): links to the folder they sit in or above it are passed over."""
    data, albums = tmp_path / "data", tmp_path / "albums"
    tune(data / "a.mid")
    tune(tmp_path / "other" / "c.mid")
    tune(albums / "jazz" / "b.mid")
    (albums / "jazz" / "b.mid").write_bytes((albums / "jazz" / "b.mid").read_bytes() + b"\0")  # not a duplicate
    tune(albums / "pop.mid")
    (data / "up").symlink_to(tmp_path)
    (data / "jazz").symlink_to(albums / "jazz")
    (albums / "jazz" / "albums").symlink_to(albums)  # above a followed link's target
    files, _ = walk_midi(data)
    assert files == [data / "a.mid", data / "jazz" / "b.mid"]
