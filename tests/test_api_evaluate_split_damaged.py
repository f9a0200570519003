"""``evaluate`` of a run whose ``split.json`` is damaged says so, and how to get it back: it said the run 'was
trained before mvae recorded' digests, which sends the user looking for an old version rather than at the file."""

from __future__ import annotations

import json
import shutil

import pytest

import mvae_core
from mvae_core.api import TrainedOnWarning


@pytest.mark.parametrize(
    ("damage", "said"),
    [
        ('{"train": 5}', "not the train and validation lists and content digests mvae writes"),
        ('{"train": [', "Expecting value"),
    ],
)
def test_a_damaged_split_file_is_named_with_why_and_the_fix(tiny_run, tmp_path, damage, said):
    run = shutil.copytree(tiny_run, tmp_path / "run")
    train = json.loads((run / "split.json").read_text())["train"]
    (run / "split.json").write_text(damage)
    with pytest.warns(TrainedOnWarning) as caught:
        result = mvae_core.evaluate(run, train[0], samples=8)
    message = str(caught[0].message)
    assert message.startswith(f"{run / 'split.json'} cannot be read ({said}")
    assert "put it back from a backup: a resume writes it again" in message
    assert "trained before mvae recorded them" not in message
    assert result["trained_on"] is None
