"""`mvae train --plugins grad_clip,grad_clip` ran the plugin once in silence, and `plugins=["x", X()]` ran only the
object, while `mvae ablate` refused the same list (from the plugin author's review)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from mvae_core.cli import app
from mvae_core.config import ConfigError, build_config


def test_a_plugin_named_twice_is_a_config_error():
    with pytest.raises(ConfigError, match=r"plugins\.enabled.*'kl_anneal' is named twice .*name each plugin once"):
        build_config(None, ["plugins.enabled=['kl_anneal', 'ts_ramp', 'kl_anneal']"])


def test_train_refuses_it_on_the_command_line_with_exit_2(synth_dir, tmp_path):
    result = CliRunner().invoke(app, ["train", str(synth_dir), "--plugins", "ts_ramp,ts_ramp", "--out",
                                      str(tmp_path / "run")])  # fmt: skip
    assert result.exit_code == 2 and "'ts_ramp' is named twice" in result.stderr
    assert not (tmp_path / "run").exists()


def test_a_name_and_an_object_of_that_name_count_twice(synth_dir, tmp_path):
    import mvae_core
    from mvae_core import hookimpl

    class TsRamp:
        @hookimpl
        def mvae_train_start(self):
            return None

    with pytest.raises(ConfigError, match=r"'ts_ramp' is named twice \(in Python, a name and a plugin object"):
        mvae_core.train(synth_dir, tmp_path / "run", plugins=["ts_ramp", TsRamp()], progress=False)
