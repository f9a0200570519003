"""A run started from another's weights says, on its start line, the settings it took from that run where they are
not mvae's defaults: a fine-tuning given no ``--set`` got a model of another size, or other pitch rows, without a
word (only its config.toml told)."""

from __future__ import annotations

import mvae_core


def test_the_start_line_names_the_settings_taken_from_the_source(tiny_run, synth_dir, tmp_path, capsys):
    mvae_core.train([synth_dir], tmp_path / "tuned", overrides=["model.dropout=0.1"], plugins=[], epochs=1,
                    init_from=tiny_run, progress=True)  # fmt: skip
    printed = capsys.readouterr()
    said = " ".join((printed.out + printed.err).split())
    start = f"starts from the weights of {(tiny_run / 'model.safetensors').resolve()} ("
    [line] = [line for line in (printed.out + printed.err).splitlines() if start in line]
    assert line.endswith("), with its model.hidden = 32, data.pitch_low = 48"), said  # tiny_run's (its rows: a new
    # run's default, "auto", would choose others); dropout was given, the rest defaults
