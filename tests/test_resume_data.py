"""A resume refuses data that no longer gives the run's split, and says which files made the difference."""

from __future__ import annotations

import json
import shutil

import pytest

import mvae_core
from mvae_core.data.relocation import Relocation
from mvae_core.data.split import split_by_source
from mvae_core.errors import DataChanged, DataError
from mvae_core.run import RunDir
from tests.training import TINY


def test_a_resume_of_changed_data_names_the_files_that_changed(synth_dir, tmp_path):
    """It said only 'its train/validation split differs', leaving the user to search a folder of hundreds of files."""
    data = shutil.copytree(synth_dir, tmp_path / "data")
    run = tmp_path / "run"
    mvae_core.train([data], run, overrides=TINY, plugins=[], epochs=1, progress=False)
    (data / "melody_00.mid").rename(data / "renamed.mid")
    with pytest.raises(DataChanged) as refused:
        mvae_core.train(out=run, resume=True, epochs=2, progress=False)
    assert f"new: {data / 'renamed.mid'}; gone or renamed: {data / 'melody_00.mid'}" in str(refused.value)
    assert str(refused.value).endswith("; restore the files or start a new run")


def _edit_a_velocity(path) -> None:
    """Change one note's velocity: the file keeps its name and its loops, only its content differs."""
    import pretty_midi

    midi = pretty_midi.PrettyMIDI(str(path))
    note = midi.instruments[0].notes[0]
    note.velocity = 127 if note.velocity != 127 else 1
    midi.write(str(path))


def test_a_resume_refuses_a_file_edited_in_place_and_names_it(synth_dir, tmp_path):
    """An edit that kept every file name and every loop count (a velocity fixed in the DAW) was not noticed: the
    run went on training on other notes than it started with, and its numbers no longer matched a fresh run's."""
    data = shutil.copytree(synth_dir, tmp_path / "data")
    run = tmp_path / "run"
    mvae_core.train([data], run, overrides=TINY, plugins=[], epochs=1, progress=False)
    assert set(json.loads((run / "split.json").read_text())["content"]) == {
        *RunDir(run).read_split()["train"],
        *RunDir(run).read_split()["validation"],
    }
    _edit_a_velocity(data / "melody_01.mid")
    with pytest.raises(DataChanged) as refused:
        mvae_core.train(out=run, resume=True, epochs=2, progress=False)
    assert f"changed since the run started (edited: {data / 'melody_01.mid'}); restore the files" in str(refused.value)


def test_a_moved_folder_with_an_edited_file_is_refused_naming_it_as_the_run_knew_it(synth_dir, tmp_path):
    data = shutil.copytree(synth_dir, tmp_path / "midi")
    run = tmp_path / "run"
    mvae_core.train([data], run, overrides=TINY, plugins=[], epochs=1, progress=False)
    moved = data.rename(tmp_path / "moved")
    _edit_a_velocity(moved / "melody_02.mid")
    with pytest.raises(DataChanged, match=rf"\(edited: {data / 'melody_02.mid'}\)"):
        mvae_core.train([moved], run, resume=True, epochs=2, progress=False)


def test_a_run_whose_split_json_has_no_content_digests_resumes_as_before(synth_dir, tmp_path):
    """Runs written before split.json kept content digests are checked by names and counts only."""
    data = shutil.copytree(synth_dir, tmp_path / "data")
    run = tmp_path / "run"
    mvae_core.train([data], run, overrides=TINY, plugins=[], epochs=1, progress=False)
    split = json.loads((run / "split.json").read_text())
    (run / "split.json").write_text(json.dumps({"train": split["train"], "validation": split["validation"]}))
    _edit_a_velocity(data / "melody_01.mid")
    assert mvae_core.train(out=run, resume=True, epochs=2, progress=False).epochs_run == 2


def test_split_changes_lists_a_few_names_and_counts_the_rest(tmp_path):
    run = RunDir(tmp_path)
    run.write_split(["a", "b"], ["v"], {"a": "1", "b": "2", "v": "3"})
    same = {"a": "1", "b": "2", "v": "3"}
    unchanged = run.split_changes(["a", "b"], ["v"], same)
    assert str(unchanged) == "the same files, but an edit changed how many loops they hold" and not unchanged.sides_only
    assert str(sides := run.split_changes(["a", "v"], ["b"], same)) == "changed sides: b, v" and sides.sides_only
    assert str(edited := run.split_changes(["a", "b"], ["v"], same | {"b": "9"})) == "edited: b"
    assert not run.split_changes(["a", "v"], ["b"], same | {"b": "9"}).sides_only  # an edit: the data changed
    many = [f"n{i}" for i in range(5)]
    assert str(run.split_changes(["a", "b", *many], ["v"], same)) == "new: n0, n1, n2 and 2 more"
    assert not edited.sides_only
    (tmp_path / "split.json").unlink()
    assert str(unknown := run.split_changes(["a"], [], {})) == "its train/validation split differs"
    assert not unknown.sides_only


def test_a_run_split_by_an_older_rule_is_refused_for_that_reason_not_as_changed_data(synth_dir, tmp_path):
    """A run whose same-notes copies straddled the split (mvae before copies were one group) resumes on the same
    files to another split: it was refused with 'the data changed; restore the files', though no file changed."""
    run = _run_split_otherwise(synth_dir, tmp_path)
    split = json.loads((run / "split.json").read_text())
    straddled = split["validation"][0]  # as the older rule could have put a copy: on the other side
    split["train"], split["validation"] = [*split["train"], straddled], split["validation"][1:]
    (run / "split.json").write_text(json.dumps(split))
    said = _refusal_of_resume(run)
    assert f"the files of {run} are unchanged, but this version of mvae splits them otherwise (changed sides: " in said
    assert straddled in said and said.endswith("so its validation scored loops it trained on; start a new run")


@pytest.mark.parametrize("edited", ['"{data}"', "[]", "[3]"])
def test_a_hand_edited_data_path_of_the_run_is_one_path_or_refused_by_name(synth_dir, tmp_path, edited):
    """``[provenance] data = "/path"`` (a string, as one writes it after moving a folder) was read letter by letter
    ('DATA t: no such file'); an empty list read nothing ('no loops to train on in : 0 source(s)')."""
    import re

    from mvae_core.config import ConfigError

    run = tmp_path / "run"
    mvae_core.train([synth_dir], run, overrides=TINY, plugins=[], epochs=1, progress=False)
    config = run / "config.toml"
    value = edited.format(data=synth_dir)
    config.write_text(re.sub(r"data = \[[^]]*\]", lambda _: f"data = {value}", config.read_text(), count=1))
    if value.startswith('"'):
        assert RunDir(run).read_data() == [str(synth_dir)]
        assert mvae_core.train(out=run, resume=True, epochs=2, progress=False).epochs_run == 2
    else:
        with pytest.raises(ConfigError, match=rf"^{config}: \[provenance\] data = {re.escape(value)}: must list"):
            mvae_core.train(out=run, resume=True, epochs=2, progress=False)


def _numbers(run) -> list[tuple]:
    """What a metrics row measured (the loss terms and scores), without its wall-clock time."""
    return [(row["train"], row["val"], row["val_elbo"]) for row in RunDir(run).read_metrics()]


def test_a_run_whose_data_moved_resumes_from_the_new_place_as_if_it_never_moved(synth_dir, tmp_path):
    """A musician moved the MIDI folder (another disk, a renamed parent): the resume said 'no such file or folder',
    and no command could continue the run (DATA was refused with --resume, and a hand-edited path changed the
    split's source names, so the fingerprint refused it)."""
    data = shutil.copytree(synth_dir, tmp_path / "midi")
    whole, run = tmp_path / "whole", tmp_path / "run"
    mvae_core.train([data], whole, overrides=TINY, plugins=[], epochs=2, progress=False)
    mvae_core.train([data], run, overrides=TINY, plugins=[], epochs=1, progress=False)
    moved = data.rename(tmp_path / "new disk")
    with pytest.raises(DataError) as caught:
        mvae_core.train(out=run, resume=True, epochs=2, progress=False)
    moved_hint = "if the data moved, give its new place: "
    assert str(caught.value).endswith(f"{moved_hint}mvae_core.train(out={str(run)!r}, resume=True, data=[NEW_PLACE])")
    assert caught.value.command_line_message().endswith(f"{moved_hint}mvae train --resume {run} NEW_PLACE")
    mvae_core.train(moved, run, resume=True, epochs=2, progress=False)
    assert _numbers(run) == _numbers(whole)
    assert RunDir(run).read_data() == [str(moved)]
    split = json.loads((run / "split.json").read_text())
    assert split["train"] and all(name.startswith(f"{moved}/") for name in split["train"] + split["validation"])
    assert mvae_core.train(out=run, resume=True, epochs=3, progress=False).epochs_run == 3  # the new place is kept


def test_moved_data_that_also_changed_is_refused_naming_the_move_and_the_files(synth_dir, tmp_path):
    data = shutil.copytree(synth_dir, tmp_path / "midi")
    run = tmp_path / "run"
    mvae_core.train([data], run, overrides=TINY, plugins=[], epochs=1, progress=False)
    moved = data.rename(tmp_path / "moved")
    (moved / "melody_00.mid").unlink()
    with pytest.raises(DataChanged) as refused:
        mvae_core.train([moved], run, resume=True, epochs=2, progress=False)
    message = str(refused.value)
    assert f"since the run started (read from its new place: {data} → {moved}) (" in message
    assert f"gone or renamed: {data / 'melody_00.mid'}" in message  # named as the run knew it
    assert RunDir(run).read_data() == [str(data)]  # nothing rewritten


def test_a_new_place_must_pair_with_each_saved_data_argument(synth_dir, tmp_path):
    run = tmp_path / "run"
    files = sorted(synth_dir.glob("*.mid"))
    mvae_core.train([synth_dir], run, overrides=TINY, plugins=[], epochs=1, progress=False)
    with pytest.raises(DataError, match=rf"started with 1 DATA argument \({synth_dir}\); give the new place of"):
        mvae_core.train([files[0], files[1]], run, resume=True, epochs=2, progress=False)
    with pytest.raises(DataError, match="a corpus does not move"):
        mvae_core.train("corpus:essen", run, resume=True, epochs=2, progress=False)


def test_relocation_maps_names_under_the_longest_moved_argument_and_only_on_a_path_boundary():
    moves = Relocation.between(["/a/midi", "/a/midi/solos", "/b/one.mid"], ["/x", "/y/solos/", "/b/one.mid"])
    assert moves.saved_name("/y/solos/take1.mid") == "/a/midi/solos/take1.mid"
    assert moves.saved_name("/x/tunes/t.mid") == "/a/midi/tunes/t.mid"
    assert moves.saved_name("/x2/t.mid") == "/x2/t.mid"  # another folder whose name starts the same
    assert moves.saved_name("/b/one.mid") == "/b/one.mid"
    assert not Relocation.between(["/a", "corpus:essen"], ["/a", "corpus:essen"])


def test_a_runs_held_out_loops_are_its_validation_files_even_after_files_were_added(synth_dir, tmp_path):
    """The ablation's pitch gaps measured the run's data split again: with files added to the folder since training,
    the re-split put training files on the held-out side, and the numbers moved without a word."""
    from mvae_core.run_data import validation_loops

    data = shutil.copytree(synth_dir, tmp_path / "midi")
    run = tmp_path / "run"
    mvae_core.train([data], run, overrides=TINY, plugins=[], epochs=1, progress=False)
    validation = set(RunDir(run).read_split()["validation"])
    before = validation_loops(RunDir(run))
    assert before.sources == validation
    for i, source in enumerate(sorted(synth_dir.glob("*.mid"))[:3]):  # new files, each with loops of its own
        shutil.copy(source, data / f"added_{i}.mid")
        with open(data / f"added_{i}.mid", "ab") as grown:  # other bytes than its twin, or it is a duplicate
            grown.write(b"\0")
    assert split_by_source(*_table_and_cfg(run))[1].sources != validation  # a re-split would mix the sides
    after = validation_loops(RunDir(run))
    assert after.sources == validation and len(after) == len(before)  # the same loops (in a new table)
    (RunDir(run).path / "split.json").write_text(json.dumps({"train": [], "validation": ["/gone.mid"]}))
    with pytest.raises(DataError, match=r"none of its 1 validation files .* gives a loop in .* any more; evaluate"):
        validation_loops(RunDir(run))


def _table_and_cfg(run):
    """The run's data as it is now, its data settings and seed: what a re-split takes."""
    from mvae_core.data.load import load_dataset

    cfg = RunDir(run).read_config()
    return load_dataset(RunDir(run).read_data(), cfg.data)[0], cfg.data, cfg.train.seed


def test_relocating_to_a_place_without_loops_is_a_data_error_naming_it(synth_dir, tmp_path):
    """relocate() let split_by_source's TooFewLoops through (no DataError): mvae ablate, which turns a relocation's
    DataError into one naming the run, showed '0 loop(s) with >= min_onsets notes' without saying which run or data."""
    from mvae_core.run_data import relocate

    run, empty = tmp_path / "run", tmp_path / "empty"
    mvae_core.train([synth_dir], run, overrides=TINY, plugins=[], epochs=1, progress=False)
    empty.mkdir()
    with pytest.raises(DataError, match=rf"^no loops to train on in {empty}: 0 sources read"):
        relocate(run, empty, jobs=1)
    assert RunDir(run).read_data() == [str(synth_dir)]  # nothing rewritten


def test_a_run_whose_files_are_read_otherwise_now_is_refused_for_that_reason(synth_dir, tmp_path):
    """The same files, unedited, on the same sides, but other loop counts (a rule of reading MIDI changed since the
    run started, e.g. a part named like drums now left out): it was 'an edit changed how many loops they hold;
    restore the files', though no file was touched."""
    run = _run_split_otherwise(synth_dir, tmp_path)  # the same sides: other loop counts
    said = _refusal_of_resume(run)
    assert f"the files of {run} are unchanged, but this version of mvae reads other loops from them" in said
    assert said.endswith("resume it with the mvae that started it, or start a new run")


def _run_split_otherwise(synth_dir, tmp_path):
    """A run of a copy of ``synth_dir`` whose recorded split fingerprint is not what its files give now."""
    data = shutil.copytree(synth_dir, tmp_path / "data")
    run = tmp_path / "run"
    mvae_core.train([data], run, overrides=TINY, plugins=[], epochs=1, progress=False)
    config = (run / "config.toml").read_text()
    (run / "config.toml").write_text(config.replace('data_fingerprint = "', 'data_fingerprint = "0'))
    return run


def _refusal_of_resume(run) -> str:
    with pytest.raises(DataChanged) as refused:
        mvae_core.train(out=run, resume=True, epochs=2, progress=False)
    return str(refused.value)
