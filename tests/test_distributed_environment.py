"""torchrun's environment read by :meth:`Distributed.from_env`: a variable missing or not a number (``WORLD_SIZE``
set by hand, without torchrun) is one error line naming it, exit 2, not a ``KeyError``/``ValueError`` traceback."""

from __future__ import annotations

import pytest
import torch
from typer.testing import CliRunner

from mvae_core.cli import app
from mvae_core.distributed import Distributed, DistributedError

TORCHRUN = ("WORLD_SIZE", "RANK", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT")


@pytest.mark.parametrize(
    ("environment", "said"),
    [
        ({"WORLD_SIZE": "2"}, "WORLD_SIZE=2 but RANK is not set"),
        ({"WORLD_SIZE": "two"}, "WORLD_SIZE='two' is not a whole number >= 1"),
        ({"WORLD_SIZE": "0"}, "WORLD_SIZE='0' is not a whole number >= 1"),
        ({"WORLD_SIZE": "2", "RANK": "x"}, "RANK='x' is not a whole number >= 0"),
        ({"WORLD_SIZE": "2", "RANK": "0"}, "environment variable MASTER_ADDR expected, but not set"),
    ],
)
def test_a_job_environment_without_torchrun_is_an_error_naming_the_variable(environment, said, monkeypatch):
    for name in TORCHRUN:
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(DistributedError, match="torchrun sets these variables") as refused:
        Distributed.from_env(torch.device("cpu"))
    assert said in str(refused.value)


def test_mvae_train_with_world_size_set_by_hand_exits_2_with_one_line(synth_dir, tmp_path, monkeypatch):
    for name in TORCHRUN:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("WORLD_SIZE", "2")
    out = tmp_path / "run"
    result = CliRunner().invoke(app, ["train", str(synth_dir), "--out", str(out), "--epochs", "1"])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("error: WORLD_SIZE=2 but RANK is not set;"), result.stderr
    assert "unset WORLD_SIZE" in result.stderr and "Traceback" not in result.output + result.stderr
    assert not out.exists()


@pytest.mark.parametrize("variable", ["WORLD_SIZE", "RANK"])
def test_ablate_with_a_torchrun_variable_that_is_no_number_exits_2_naming_it(
    synth_dir, tmp_path, monkeypatch, variable
):
    """`WORLD_SIZE=x mvae ablate …` ended in a ValueError traceback, and so did any error of a command with `RANK=x`
    (ablation/session.py and cli_output.py read the variables with int() of their own); they now read them by
    distributed's rule."""
    for name in TORCHRUN:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(variable, "x")
    result = CliRunner().invoke(app, ["ablate", str(synth_dir), "--seeds", "0", "--out", str(tmp_path / "abl")])
    assert result.exit_code == 2 and not isinstance(result.exception, ValueError), result.output
    if variable == "WORLD_SIZE":
        assert "WORLD_SIZE='x' is not a whole number >= 1" in result.stderr
    else:  # RANK alone is no torchrun job: the command's own error is printed, as rank 0's
        assert result.stderr.startswith("error: --seeds") and "rank" not in result.stderr
