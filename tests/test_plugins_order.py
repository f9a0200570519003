"""Plugins run, and speak, in the order ``plugins.enabled`` names them (pluggy alone calls the last registered first)."""

from __future__ import annotations

from mvae_core import hookimpl
from mvae_core.config import PluginsConfig
from mvae_core.host import PluginHost
from mvae_core.plugins import PluginInfo


def _recorder(calls: list[str]) -> type:
    class Recorder:
        """Appends its name to ``calls`` at the start of training."""

        def __init__(self) -> None:
            self.name = ""

        @hookimpl
        def mvae_train_start(self, trainer):
            calls.append(self.name)

    return Recorder


def test_start_up_hooks_run_in_the_order_the_plugins_are_enabled():
    calls: list[str] = []
    recorder = _recorder(calls)
    available = {name: PluginInfo(name, "built-in", "1.0", lambda: recorder) for name in ("a", "b", "c")}
    host = PluginHost.from_config(PluginsConfig(enabled=["b", "c", "a"]), available)
    for name, plugin in host.pm.list_name_plugin():
        plugin.name = name
    host.hook.mvae_train_start(trainer=None)
    assert calls == ["b", "c", "a"]
    assert host.names == ["b", "c", "a"]  # the order the run's start line lists them in


def test_plugin_warnings_go_to_stderr_and_the_training_log_to_stdout(synth_dir, tmp_path):
    """``mvae train ... > log``: the plugins' warnings about the run's settings (a ramp longer than the run) are on
    stderr, in the order of --plugins; the data summary and the epoch lines on stdout."""
    from typer.testing import CliRunner

    from mvae_core.cli import app

    args = ["train", str(synth_dir), "--plugins", "ts_ramp,kl_anneal", "--epochs", "1", "--out", str(tmp_path / "r")]
    args += ["--set", "model.hidden=32", "--set", "train.batch_size=16"]
    result = CliRunner().invoke(app, args, env={"NO_COLOR": "1"})
    assert result.exit_code == 0, result.output
    plugins_said = [line for line in result.stderr.splitlines() if line.strip() and not line.startswith("warning:")]
    warned = [line.split(":")[0].strip() for line in plugins_said]  # the core's own warnings read "warning: ..."
    assert warned == ["ts_ramp", "kl_anneal"], result.stderr
    assert "epoch   1/1" in result.stdout and "ts_ramp:" not in result.stdout
