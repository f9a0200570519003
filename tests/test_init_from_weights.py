"""A new run started from a trained run's weights (``--init-from``, ``init_from=``): mvae could only resume a run with
its own settings or train a new one from random weights, so a model trained on a large corpus could not be fine-tuned
on a musician's few files, and an edit a resume refuses threw the trained weights away. The new run starts with the
source's weights (the best model by default, or the checkpoint's), its model settings, a fresh optimizer, and a record
of where the weights came from."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path
from typing import Any

import pytest
import tomli_w
import torch
from typer.testing import CliRunner

import mvae_core
from mvae_core import hookimpl
from mvae_core.checkpoint import load_checkpoint, load_model_file
from mvae_core.cli import app
from mvae_core.run import RunDir
from mvae_core.starting_weights import read_starting_weights, weights_digest
from tests.training import TINY


class FirstWeights:
    """Keeps the model's weights as training starts (``mvae_train_start``) and Adam's state then."""

    def __init__(self) -> None:
        self.weights: dict[str, torch.Tensor] = {}
        self.adam_steps = -1

    @hookimpl
    def mvae_train_start(self, trainer: Any) -> None:
        self.weights = {name: t.detach().clone() for name, t in trainer.model.state_dict().items()}
        self.adam_steps = len(trainer.optimizer.state)


def _equal(a: dict[str, torch.Tensor], b: dict[str, torch.Tensor]) -> bool:
    return a.keys() == b.keys() and all(torch.equal(a[name], b[name]) for name in a)


def _provenance(run: Path) -> dict[str, Any]:
    return tomllib.loads((run / "config.toml").read_text(encoding="utf-8"))["provenance"]


def test_a_run_starts_from_the_best_model_of_the_run_named_with_its_model_settings(tiny_run, pattern_dir, tmp_path):
    probe = FirstWeights()
    result = mvae_core.train(
        [pattern_dir], tmp_path / "new", overrides=["train.batch_size=16"], plugins=[("probe", probe)], epochs=1,
        init_from=tiny_run, progress=False,
    )  # fmt: skip
    best, _ = load_model_file(tiny_run / "model.safetensors")
    assert _equal(probe.weights, best)  # over what init_from_data set from the new data
    assert probe.adam_steps == 0 and result.epochs_run == 1  # a fresh optimizer, epoch 1 of the new run
    new = mvae_core.load(result.path).config
    source = mvae_core.load(tiny_run).config
    assert new.model == source.model and new.model.hidden == 32  # TINY's, not the default 512: taken from the source
    assert (new.data.pitch_low, new.data.pitch_classes) == (source.data.pitch_low, source.data.pitch_classes)
    assert _provenance(result.path)["init_from"] == {
        "path": str((tiny_run / "model.safetensors").resolve()),
        "weights_sha256": weights_digest(best),
        "epochs": int(load_model_file(tiny_run / "model.safetensors")[1]["epoch"]) + 1,
        "data": _provenance(tiny_run)["data"],
    }


def test_the_checkpoint_gives_the_last_trained_weights_and_free_settings_may_change(tiny_run, synth_dir, tmp_path):
    probe = FirstWeights()
    overrides = {"train.lr": 3e-4, "model.dropout": 0.1, "data.transpositions": [], "train.batch_size": 8}
    mvae_core.train([synth_dir], tmp_path / "new", overrides=overrides, plugins=[("probe", probe)], epochs=1,
                    init_from=tiny_run / "checkpoint.pt", progress=False)  # fmt: skip
    last = load_checkpoint(tiny_run / "checkpoint.pt")["model"]
    assert _equal(probe.weights, last)
    recorded = _provenance(tmp_path / "new")["init_from"]
    assert recorded["path"] == str((tiny_run / "checkpoint.pt").resolve()) and recorded["epochs"] == 3
    assert recorded["weights_sha256"] == weights_digest(last)


def test_the_command_line_starts_from_a_run_and_says_so(tiny_run, synth_dir, tmp_path):
    out = tmp_path / "new"
    arguments = ["train", str(synth_dir), "--init-from", str(tiny_run), "--plugins", "none", "--epochs", "1"]
    result = CliRunner().invoke(app, [*arguments, "--out", str(out)])
    said = " ".join(result.output.split())
    assert result.exit_code == 0, said
    assert f"starts from the weights of {(tiny_run / 'model.safetensors').resolve()} (" in said
    assert _provenance(out)["init_from"]["path"] == str((tiny_run / "model.safetensors").resolve())


@pytest.fixture(scope="module")
def patterns_run(pattern_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """8 epochs of the tiny model on ``pattern_dir`` (structure it learns: val_elbo from about 105 to 87)."""
    out = tmp_path_factory.mktemp("patterns-run") / "run"
    mvae_core.train([pattern_dir], out, overrides=[*TINY, "train.lr=3e-3"], plugins=[], epochs=8, progress=False)
    return out


def test_the_first_epoch_of_a_fine_tuned_run_scores_far_better_than_one_from_scratch(
    patterns_run, pattern_dir, tmp_path
):
    common = {"overrides": [*TINY, "train.lr=1e-9"], "plugins": [], "epochs": 1, "progress": False}
    scratch = mvae_core.train([pattern_dir], tmp_path / "scratch", **common)
    tuned = mvae_core.train([pattern_dir], tmp_path / "tuned", init_from=patterns_run, **common)
    # at a learning rate of 1e-9 the first epoch scores the weights it started from: the source's best
    source_best = min(r["val_elbo"] for r in RunDir(patterns_run).read_metrics())
    assert tuned.best_val_elbo < scratch.best_val_elbo - 10, (tuned.best_val_elbo, scratch.best_val_elbo)
    assert abs(tuned.best_val_elbo - source_best) < 1.0, (tuned.best_val_elbo, source_best)


def test_the_start_line_names_a_few_of_the_sources_data_paths(tiny_run, tmp_path):
    """A source trained on 181 files named one by one printed a start line of 13 KB."""
    source = Path(shutil.copytree(tiny_run, tmp_path / "source"))
    tree = tomllib.loads((source / "config.toml").read_text(encoding="utf-8"))
    tree["provenance"]["data"] = [f"/midi/solo-{n}.mid" for n in range(181)]
    (source / "config.toml").write_text(tomli_w.dumps(tree), encoding="utf-8")
    starting = read_starting_weights(source)
    assert starting.described() == (
        f"{(source / 'model.safetensors').resolve()} ({starting.epochs} epochs on /midi/solo-0.mid /midi/solo-1.mid "
        "/midi/solo-2.mid and 178 more)"
    )
    assert len(starting.record()["data"]) == 181  # the record keeps them all
