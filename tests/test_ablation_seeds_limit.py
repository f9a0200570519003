"""``mvae ablate --seeds`` has an upper bound (100), as ``--samples`` has: each seed trains one run of every
configuration, so a typo such as ``--seeds 1000`` started 7,000 trainings with the five built-ins."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

import mvae_core
from mvae_core.ablation.plan import MAX_SEEDS
from mvae_core.cli import app
from mvae_core.errors import OptionError


def test_more_seeds_than_the_bound_are_refused_before_anything_is_read_or_written(tmp_path):
    out = tmp_path / "abl"  # DATA that does not exist: the bound is checked first, before the data is read
    args = [
        "ablate",
        str(tmp_path / "no-data"),
        "--plugins",
        "kl_anneal",
        "--epochs",
        "1",
        "--seeds",
        "1000",
        "--out",
        str(out),
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2, result.output
    assert result.stderr == (
        "error: --seeds must be at most 100 (each seed trains one run of every configuration), got 1000\n"
    )
    assert not out.exists()


def test_the_python_api_has_the_same_bound(tmp_path):
    with pytest.raises(OptionError, match=f"must be at most {MAX_SEEDS} "):
        mvae_core.ablate(
            [tmp_path / "no-data"], plugins="kl_anneal", seeds=MAX_SEEDS + 1, epochs=1, out=tmp_path / "abl"
        )
    assert not (tmp_path / "abl").exists()
