"""A resume given its new epoch budget as an override (``overrides={"train.epochs": 80}``, the way a new run is
given it) was refused with "overrides cannot change it" and no word of the ``epochs`` argument that does it."""

from __future__ import annotations

import pytest

import mvae_core
from mvae_core.errors import ResumeRefused


@pytest.mark.parametrize("overrides", [{"train.epochs": 80}, ["train.lr=0.01", "train.epochs = 80"], "train.epochs=80"])
def test_a_resume_given_train_epochs_as_an_override_is_told_the_epochs_argument(tmp_path, overrides):
    with pytest.raises(ResumeRefused) as refused:
        mvae_core.train(out=tmp_path, resume=True, overrides=overrides, progress=False)
    assert str(refused.value) == (
        f"a resume continues {tmp_path} with its saved config; overrides cannot change it (a new epoch budget is a "
        "resume's own argument: epochs=80)"
    )


def test_other_overrides_are_refused_without_the_hint(tmp_path):
    with pytest.raises(ResumeRefused) as refused:
        mvae_core.train(out=tmp_path, resume=True, overrides={"train.lr": 0.01}, progress=False)
    assert str(refused.value).endswith(
        "overrides cannot change it; to train with other settings, start a new run from its config and trained "
        f"weights (mvae_core.train(data, config={str(tmp_path / 'config.toml')!r}, overrides=..., "
        f"init_from={str(tmp_path)!r}, out=...))"
    )
