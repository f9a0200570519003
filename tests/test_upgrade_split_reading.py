"""A resume after an upgrade whose parsing reads the run's unedited files into other loop counts is told apart from
an edit: ``SplitChanges.read_otherwise``, from the content digests ``split.json`` recorded.

Seen for real: a run trained by the mvae of 2026-12-05 01:08 (parse cache FORMAT_VERSION 11) on a folder holding a
clip with a part named '808 Drums' on channel 2 (read as melody then, left out as drums since FORMAT_VERSION 12) was
refused on resume by today's mvae with 'the same files, but an edit changed how many loops they hold; restore the
files', though no file had been touched."""

from __future__ import annotations

import json

from mvae_core.run import RunDir

DIGESTS = {"a.mid": "1", "b.mid": "2", "v.mid": "3"}


def _run(tmp_path) -> RunDir:
    run = RunDir(tmp_path)
    run.write_split(["a.mid", "b.mid"], ["v.mid"], DIGESTS)
    return run


def test_unedited_files_on_the_same_sides_are_read_otherwise_not_edited(tmp_path):
    changes = _run(tmp_path).split_changes(["a.mid", "b.mid"], ["v.mid"], dict(DIGESTS))
    assert changes.read_otherwise and changes.unedited and not changes.sides_only


def test_an_edited_new_gone_or_moved_file_is_not_read_otherwise(tmp_path):
    run = _run(tmp_path)
    assert not run.split_changes(["a.mid", "b.mid"], ["v.mid"], DIGESTS | {"b.mid": "9"}).read_otherwise  # edited
    assert not run.split_changes(["a.mid", "b.mid", "n.mid"], ["v.mid"], DIGESTS | {"n.mid": "4"}).read_otherwise
    assert not run.split_changes(["a.mid"], ["v.mid"], DIGESTS).read_otherwise  # b.mid gone
    moved = run.split_changes(["a.mid", "v.mid"], ["b.mid"], DIGESTS)
    assert moved.sides_only and not moved.read_otherwise  # the split's rule, not the reading


def test_without_recorded_digests_an_edit_cannot_be_ruled_out(tmp_path):
    """Runs written before split.json kept digests (mvae before 2026-12-05 01:08), or a source the run kept none of,
    or a file read now without a digest: an edit stays possible, so it is not said to be a new reading."""
    run = _run(tmp_path)
    assert not run.split_changes(["a.mid", "b.mid"], ["v.mid"], {"a.mid": "1", "b.mid": "2"}).read_otherwise
    split = json.loads((tmp_path / "split.json").read_text())
    del split["content"]["v.mid"]
    (tmp_path / "split.json").write_text(json.dumps(split))
    assert not run.split_changes(["a.mid", "b.mid"], ["v.mid"], dict(DIGESTS)).read_otherwise
    del split["content"]
    (tmp_path / "split.json").write_text(json.dumps(split))
    assert not run.split_changes(["a.mid", "b.mid"], ["v.mid"], dict(DIGESTS)).read_otherwise
    (tmp_path / "split.json").unlink()
    assert not run.split_changes(["a.mid", "b.mid"], ["v.mid"], dict(DIGESTS)).read_otherwise


def test_other_tunes_read_from_the_same_collection_files_are_read_otherwise(tmp_path):
    """corpus:essen reads its tunes in 2/2 and 4/2 since 2026-12-06: a run of the default data started before
    resumed with 'the data changed …; restore the files', which a user cannot do for the corpus shipped with
    music21 (the ABC files are byte for byte the same; the reading took more tunes from them, redrawing the split)."""
    run = RunDir(tmp_path)
    then = {"corpus:essen/a#1": "A", "corpus:essen/a#2": "A", "corpus:essen/b#1": "B"}
    run.write_split(["corpus:essen/a#1", "corpus:essen/b#1"], ["corpus:essen/a#2"], then)
    now = then | {"corpus:essen/a#7": "A"}  # a tune of file a read now
    changes = run.split_changes(["corpus:essen/a#1", "corpus:essen/a#7"], ["corpus:essen/a#2", "corpus:essen/b#1"], now)
    assert changes.new == ["corpus:essen/a#7"] and changes.moved and changes.read_otherwise
    gone = {name: digest for name, digest in then.items() if name != "corpus:essen/a#2"}
    assert run.split_changes(["corpus:essen/a#1"], ["corpus:essen/b#1"], gone).read_otherwise  # a#2 skipped now
    # but a tune of an edited file, of a file the run never read, or a new MIDI file with a recorded file's bytes is new data
    assert not run.split_changes(["corpus:essen/a#1", "corpus:essen/a#7"], ["corpus:essen/a#2", "corpus:essen/b#1"],
                                 then | {"corpus:essen/a#7": "A2"}).read_otherwise  # fmt: skip
    assert not run.split_changes(["corpus:essen/a#1", "corpus:essen/c#1"], ["corpus:essen/a#2", "corpus:essen/b#1"],
                                 then | {"corpus:essen/c#1": "A"}).read_otherwise  # fmt: skip
    midi = _run(tmp_path / "midi")
    assert not midi.split_changes(["a.mid", "b.mid", "a#2.mid"], ["v.mid"], DIGESTS | {"a#2.mid": "1"}).read_otherwise
