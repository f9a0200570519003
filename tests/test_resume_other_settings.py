"""A resume given other settings is refused by one rule, :func:`mvae_core.run_setup.refuse_other_settings`, in two
wordings: the ``mvae_core.train`` call for Python and the ``mvae train`` command for the command line (before, the
command line's refusal was a second copy of the rule in cli.py, and the library's error had no command-line form)."""

from __future__ import annotations

import pytest

import mvae_core
from mvae_core.errors import ResumeRefused
from mvae_core.run_setup import refuse_other_settings


def test_the_librarys_refusal_names_the_command_that_starts_a_new_run(tmp_path):
    with pytest.raises(ResumeRefused) as refused:
        mvae_core.train(out=tmp_path, resume=True, overrides=["train.lr=0.1"], progress=False)
    assert refused.value.command_line_message() == (
        "--resume continues a run with its saved config; --set cannot change it; to train with other settings, start "
        f"a new run from its config and trained weights (mvae train DATA --config {tmp_path / 'config.toml'} --set "
        f"train.lr=0.1 --init-from {tmp_path} --out NEW_RUN)"
    )
    assert refused.value.same_on_every_rank  # under torchrun rank 0 alone says it, as for other argument mistakes


def test_the_command_lines_options_are_named_as_typed_and_out_names_the_new_run(tmp_path):
    typed = [("--out", "runs/new run"), ("--plugins", None), ("--seed", 3)]
    with pytest.raises(ResumeRefused) as refused:
        refuse_other_settings(tmp_path, "my.toml", ["train.lr=0.1"], typed)
    assert refused.value.command_line_message() == (
        "--resume continues a run with its saved config; --config, --set, --out, --seed cannot change it; to train "
        "with other settings, start a new run from its config and trained weights (mvae train DATA --config my.toml "
        f"--set train.lr=0.1 --seed 3 --init-from {tmp_path} --out 'runs/new run')"
    )


def test_nothing_given_is_no_refusal(tmp_path):
    refuse_other_settings(tmp_path, None, None, [("--seed", None), ("--out", None)])


def test_a_zero_or_empty_option_is_given_too(tmp_path):
    """``mvae train --resume RUN --seed 0`` resumed with the run's own seed in silence: 0 read as not given."""
    with pytest.raises(ResumeRefused) as refused:
        refuse_other_settings(tmp_path, None, None, [("--seed", 0), ("--plugins", "")])
    assert "--seed, --plugins cannot change it" in refused.value.command_line_message()
