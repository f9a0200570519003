"""``exponential`` and ``step`` whose power is too large for a float give ``±inf`` (``initial``'s sign; 0 when
``initial`` is 0), which every caller refuses as not finite: ``mvae schedules preview`` exits 2 naming the value and
its epoch, as docs/schedules.md promises for parameters that overflow, and a plugin's schedule is refused before any
data is read. Before, Python's ``float ** …`` raised ``OverflowError``: preview exited 1 (``schedule 'exponential'
failed at epoch 2: OverflowError: (34, 'Numerical result out of range')``, the code of a schedule's own bug), and
``exponential(initial=0, rate=1e200)``, a constant 0, was refused in training as giving ``inf``."""

from __future__ import annotations

import importlib
import math
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mvae_core.cli import app
from mvae_plugins.scheduled import refused_value
from schedules import ScheduleError, from_spec
from schedules.preview import sample
from tests.training import TINY


@pytest.mark.parametrize(
    ("name", "params"),
    [("exponential", ["rate=1e200"]), ("step", ["factor=1e200", "every=1"])],
)
def test_preview_of_parameters_that_overflow_exits_2_naming_the_value(name: str, params: list[str]):
    sets = [part for param in params for part in ("--set", param)]
    result = CliRunner().invoke(app, ["schedules", "preview", name, *sets, "--epochs", "3"])
    assert result.exit_code == 2, result.output
    assert result.stderr.strip() == (
        f"error: schedule '{name}' gives inf at epoch 2, not a finite number; check its parameters"
    )


def test_an_overflow_is_an_infinity_of_initials_sign_and_0_times_it_is_0():
    assert from_spec({"name": "exponential", "rate": 1e200})(2.0) == math.inf
    assert from_spec({"name": "exponential", "initial": -3.0, "rate": 1e200})(2.0) == -math.inf
    assert from_spec({"name": "step", "factor": 1e200, "every": 1.0})(2.0) == math.inf
    assert from_spec({"name": "step", "initial": 0.0, "factor": 1e200, "every": 1.0})(2.0) == 0.0
    zero = from_spec({"name": "exponential", "initial": 0.0, "rate": 1e200})
    assert zero(2.0) == 0.0
    assert refused_value(zero, 3, per_step=True) is None  # a constant 0 switches a term off: a multiplier


def test_sample_raises_the_bad_input_error_not_the_schedules_failure():
    with pytest.raises(ScheduleError, match=r"^schedule 'exponential' gives inf at epoch 2, not a finite number"):
        sample(from_spec({"name": "exponential", "rate": 1e200}), 3)


def test_a_plugin_schedule_that_overflows_is_refused_before_any_data_is_read(
    synth_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """lr_step_decay's step multiplies the learning rate by 1e200 every epoch: inf in epoch 3, refused by
    ScheduledPlugin.mvae_check_config (exit 2, nothing read or written)."""
    # every module imported before any is patched: one imported later would bind the patch and keep it
    modules = [
        importlib.import_module(m)
        for m in ("mvae_core.data.load", "mvae_core.api", "mvae_core.run_data", "mvae_core.cli")
    ]
    for module in modules:
        monkeypatch.setattr(module, "load_dataset", lambda *a, **k: pytest.fail("the data was read"), raising=False)
    out = tmp_path / "run"
    schedule = "plugins.lr_step_decay.schedule={name='step', factor=1e200, every=1}"
    sets = [part for setting in [*TINY, schedule] for part in ("--set", setting)]
    result = CliRunner().invoke(app, ["train", str(synth_dir), "--epochs", "3", "--out", str(out), *sets])
    assert result.exit_code == 2, result.output
    assert " ".join(result.stderr.split()) == (
        "error: plugin 'lr_step_decay' refuses the config: plugins.lr_step_decay.schedule: step(initial=1, "
        "factor=1e+200, every=1) gives inf in epoch 3 (e = 2), but a multiplier must be a finite number >= 0 in every "
        "epoch of the run (train.epochs = 3); give the schedule parameters that keep every value through epoch 3 "
        "finite and >= 0, or train for 2 epochs at most (mvae schedules preview shows a schedule's values)"
    )
    assert not out.exists()
