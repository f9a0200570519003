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
