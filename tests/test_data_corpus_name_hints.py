"""A corpus name written in another case or misspelt is answered with the name it meant: 'corpus:Essen' said
'unknown corpus 'Essen'; available: essen' and 'CORPUS:essen' 'no such file or folder …; check the path'."""

from __future__ import annotations

import pytest

from mvae_core.data.corpus import corpus_files
from mvae_core.data.load import check_paths
from mvae_core.errors import DataError


@pytest.mark.parametrize("name", ["Essen", "esen"])
def test_a_misspelt_corpus_name_gets_a_did_you_mean(name):
    with pytest.raises(ValueError) as error:
        corpus_files(name)
    assert str(error.value) == f"unknown corpus {name!r}; did you mean 'essen'? (available: essen)"


def test_an_unknown_corpus_name_lists_the_corpora():
    with pytest.raises(ValueError) as error:
        corpus_files("bach")
    assert str(error.value) == "unknown corpus 'bach' (available: essen)"


@pytest.mark.parametrize("arg", ["CORPUS:essen", "Corpus:Esen"])
def test_a_corpus_prefix_in_another_case_is_named_as_the_corpus_it_meant(arg, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(DataError) as error:
        check_paths([arg])
    assert str(error.value).endswith("; did you mean corpus:essen?")


def test_a_missing_path_is_still_told_to_check_the_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(DataError, match=r"; check the path$"):
        check_paths(["CORPUS:bach"])
