"""A resume refuses data that no longer gives the run's split, and says which files made the difference."""

from __future__ import annotations

import shutil

import pytest

import mvae_core
from mvae_core.errors import DataChanged
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


def test_split_changes_lists_a_few_names_and_counts_the_rest(tmp_path):
    run = RunDir(tmp_path)
    run.write_split(["a", "b"], ["v"])
    assert run.split_changes(["a", "b"], ["v"]) == "the same files, but an edit changed how many loops they hold"
    assert run.split_changes(["a", "v"], ["b"]) == "changed sides: b, v"
    many = [f"n{i}" for i in range(5)]
    assert run.split_changes(["a", "b", *many], ["v"]) == "new: n0, n1, n2 and 2 more"
    (tmp_path / "split.json").unlink()
    assert run.split_changes(["a"], []) == "its train/validation split differs"


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
