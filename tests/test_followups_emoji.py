"""The console of mvae_core.train prints paths as they are: rich turned ':smile:' in one into an emoji."""

from __future__ import annotations

import mvae_core

TINY = {"model.hidden": 32, "train.batch_size": 16, "data.transpositions": [-5, 5]}


def test_a_run_path_with_colons_prints_as_it_is(synth_dir, tmp_path, capsys):
    run = tmp_path / "a:smile:run"
    mvae_core.train(data=[synth_dir], out=run, overrides=TINY, plugins=[], epochs=1, progress=True)
    out = " ".join(capsys.readouterr().out.split())
    assert f"→ {run}" in out and "\N{SMILING FACE WITH SMILING EYES}" not in out
