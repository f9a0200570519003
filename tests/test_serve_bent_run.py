"""``mvae serve`` of a copy made by ``mvae bend``: its start-up line says what plays."""

from __future__ import annotations

from pathlib import Path

from mvae_core.cli_serve import model_line
from mvae_core.serve.engine import Engine
from mvae_core.tools.bend import bend_run


def test_the_model_line_of_a_bent_copy_says_it_is_bent_and_does_not_promise_a_later_best(tiny_run, tmp_path):
    """It said 'the best epoch when the server started, … (val_elbo …); a restart picks up a later best': but the
    val_elbo is the unbent model's, and a bent copy never trains, so no later best comes."""
    bent = tmp_path / "bent"
    bend_run(Path(tiny_run), bent, 0.3, 1, "decoder")
    line = model_line(Engine(bent))
    assert line.startswith(f"  model: bent (sigma=0.3 seed=1 layers=decoder source={Path(tiny_run).resolve()}) from ")
    assert "before the bend; a bent copy does not train further" in line
    assert "later best" not in line


def test_the_model_line_of_a_trained_run_names_its_best_epoch(tiny_run):
    line = model_line(Engine(tiny_run))
    assert line.startswith("  model: the best epoch when the server started, ")
    assert line.endswith("; a restart picks up a later best")
