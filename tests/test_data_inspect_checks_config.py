"""``mvae data inspect --config FILE`` refuses what ``mvae train`` refuses before reading data, so it is the dry run
of a config (helper-435 F8): the core sections passed already; a model or plugin typo passed too."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from mvae_core.cli import app


@pytest.mark.parametrize(
    ("config", "said"),
    [
        ('[model]\nname = "melody_rn"\n', "model.name: unknown model 'melody_rn'; did you mean 'melody_rnn'?"),
        ('[plugins]\nenabled = ["kl_anneel"]\n', "plugins.enabled: unknown plugin 'kl_anneel'; did you mean"),
        ('[plugins.kl_anneal]\nschedul = "x"\n', "did you mean plugins.kl_anneal.schedule?"),
        ("[model.melody_rnn]\nembeding = 3\n", "did you mean model.melody_rnn.embedding?"),
    ],
)
def test_data_inspect_refuses_a_config_train_refuses(synth_dir, tmp_path, config, said):
    path = tmp_path / "c.toml"
    path.write_text(config)
    result = CliRunner().invoke(app, ["data", "inspect", str(synth_dir), "--jobs", "1", "--config", str(path)])
    assert result.exit_code == 2, result.output
    assert said in " ".join(result.output.split()), result.output
    assert "sources used" not in result.output  # refused before any data is read


def test_a_runs_own_config_is_read_as_a_record_not_checked_again(synth_dir, tmp_path):
    """``mvae data inspect DATA --config RUN/config.toml`` is the advice mvae gives to see how a run reads data; a run
    trained from Python with a plugin object records a plugin name no registry knows, so checking the record as a new
    config refused it (``unknown plugin``): a file with a ``[provenance]`` table is a run's record, checked when it
    trained."""
    record = tmp_path / "config.toml"
    record.write_text('[plugins]\nenabled = ["tracker"]\n\n[provenance]\nmvae = "0.1.0"\n')
    result = CliRunner().invoke(app, ["data", "inspect", str(synth_dir), "--jobs", "1", "--config", str(record)])
    assert result.exit_code == 0, result.output
    assert "sources used" in result.output
