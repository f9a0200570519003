"""The Python API's data=: None is 'not given'; an empty list (a glob that matched nothing) or a value that is no
path (0, False, {}) is an OptionError naming data. Before, each of them read as not given, and mvae_core.train then
trained on the bundled corpus without a word about the files the caller meant."""

from __future__ import annotations

from pathlib import Path

import pytest

import mvae_core
from mvae_core.data.load import data_arguments
from mvae_core.errors import OptionError


@pytest.mark.parametrize("data", [[], (), 0, False, {}])
def test_an_empty_list_or_a_falsy_non_path_is_refused_naming_data(data):
    with pytest.raises(OptionError) as refused:
        data_arguments(data)
    assert refused.value.option == "data"


def test_an_empty_glob_in_train_is_refused_before_any_training(tmp_path):
    with pytest.raises(OptionError, match=r"empty list.*give at least one file, folder or corpus:NAME"):
        mvae_core.train(data=sorted((tmp_path / "nothing").glob("*.mid")), out=tmp_path / "run", epochs=1)
    assert not (tmp_path / "run").exists()


def test_none_and_paths_are_taken_as_before(tmp_path):
    assert data_arguments(None) == []
    assert data_arguments(Path("a.mid")) == ["a.mid"]
    assert data_arguments(["a.mid", Path("b")]) == ["a.mid", "b"]
