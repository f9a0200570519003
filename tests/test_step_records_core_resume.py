"""``train.step_records`` may change on resume (``run_setup.RESUME_WARNED``): it changes what the run records, not
what it trains, so the resume warns naming it and records the steps it trains from then on at the new value."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pytest
import tomli_w

import mvae_core
from mvae_core.run import RunDir
from tests.training import TINY, trained_settings


@pytest.fixture(scope="module")
def one_epoch(synth_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A run of 1 epoch, no plugins, recording the losses of every other step."""
    out = tmp_path_factory.mktemp("recorded") / "run"
    mvae_core.train([synth_dir], out, overrides=[*TINY, "train.step_records=2"], plugins=[], epochs=1, progress=False)
    return out


def test_an_edited_step_records_resumes_with_a_warning_and_records_at_the_new_value(one_epoch, tmp_path, capsys):
    run = Path(shutil.copytree(one_epoch, tmp_path / "run"))
    tree = tomllib.loads((run / "config.toml").read_text(encoding="utf-8"))
    tree["train"]["step_records"] = 3
    (run / "config.toml").write_text(tomli_w.dumps(tree), encoding="utf-8")
    per_epoch = RunDir(run).read_steps()[0]["steps_per_epoch"]
    result = mvae_core.train(out=run, resume=True, epochs=2, progress=True)
    assert (result.outcome, result.epochs_run) == ("trained", 2)
    said = capsys.readouterr()
    assert (
        f"warning: {run / 'config.toml'} was edited since the run's last checkpoint (train.step_records 2 → 3): "
        "settings of where and how the run computes or watches, not what, so it continues with them"
    ) in " ".join((said.out + said.err).split())
    steps = [line["global_step"] for line in RunDir(run).read_steps()]
    assert steps == [g for g in range(per_epoch) if g % 2 == 0] + [
        g for g in range(per_epoch, 2 * per_epoch) if g % 3 == 0
    ]
    recorded = trained_settings(run)  # the next resume compares with the new value
    assert recorded is not None and recorded["train"]["step_records"] == 3
