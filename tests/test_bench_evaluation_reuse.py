"""``bench/evaluation.py`` reuses a finished ``melody_rnn`` run given the same command: its ``config.toml`` holds
``[model.melody_rnn]`` with every default written out, which the requested config left out, so a second run of the
same command was refused (``model.melody_rnn.embedding: 32 → None; …``)."""

from __future__ import annotations

from pathlib import Path

import mvae_core
from tests.bench import load_bench
from tests.training import TINY


def config_changes():
    return load_bench("evaluation.py").config_changes


def test_a_melody_rnn_run_is_the_run_the_same_settings_ask_for(synth_dir: Path, tmp_path: Path) -> None:
    sets = [*TINY, "model.melody_rnn.rnn_hidden=16"]
    run = tmp_path / "run"
    mvae_core.train([synth_dir], run, overrides=sets, epochs=1, progress=False)
    changes = config_changes()
    assert changes(run, sets, 1, 0) == []
    assert changes(run, [s for s in sets if "rnn_hidden" not in s], 1, 0) == ["model.melody_rnn.rnn_hidden: 16 → 256"]
    assert changes(run, [*sets, "model.melody_rnn.pitch_min_p=0.05"], 1, 0) == [
        "model.melody_rnn.pitch_min_p: 0.02 → 0.05"
    ]
