"""The closing line of a training names the epoch of the model the run keeps (``model.safetensors``, what generate
reads): after an overnight run whose early stopping restored another epoch's weights in memory and printed that
epoch, the line gave only a val_elbo, and nothing said which epoch ``mvae generate RUN`` would use."""

from __future__ import annotations

import mvae_core
from mvae_core.run import RunDir
from mvae_core.run_files import BEST_MODEL
from tests.training import TINY


def test_the_done_line_names_the_epoch_and_file_of_the_best_model(synth_dir, tmp_path, capsys):
    run = tmp_path / "run"
    mvae_core.train([synth_dir], run, overrides=TINY, plugins=[], epochs=1)
    done = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("done after"))
    records = RunDir(run).read_metrics()
    best = min(records, key=lambda r: r["val_elbo"])
    assert RunDir(run).best_saved() == (best["epoch"] + 1, best["val_elbo"])  # what model.safetensors recorded
    assert done == (
        f"done after 1 epoch; best val_elbo {best['val_elbo']:.3f} in epoch {best['epoch'] + 1} ({BEST_MODEL}, the "
        f"model generate uses) → {run}"
    )


def test_a_run_without_a_model_file_says_so_instead_of_a_number(tmp_path):
    assert RunDir(tmp_path).best_saved() is None
    (tmp_path / BEST_MODEL).write_bytes(b"not a model")
    assert RunDir(tmp_path).best_saved() is None
