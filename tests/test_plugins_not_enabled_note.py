"""A ``[plugins.<name>]`` section of an installed third-party plugin that ``plugins.enabled`` leaves out by relying on
``all`` (the built-in plugins only) is validated but does not run: training says so once, naming the section and how
to enable it. Before, nothing said it: install mvae-free-bits, write ``[plugins.free_bits]``, and it never ran. A
list that names its plugins (``--plugins``, an ablation's configurations) leaves the others out on purpose: no note."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import mvae_core
from mvae_core.cli import app
from mvae_core.plugins import PluginInfo, available_plugins
from tests.test_config_unused_sections import Floor
from tests.training import TINY

NOTE = ("configured but not enabled, so not run: [plugins.floor] ('all' in plugins.enabled means the built-in plugins "
        "only); enable with ")  # fmt: skip


@pytest.fixture(autouse=True)
def registered(monkeypatch: pytest.MonkeyPatch) -> None:
    plugins = {**available_plugins(), "floor": PluginInfo("floor", "package mvae-floor", "1.0", lambda: Floor)}
    for module in ("mvae_core.run_plugins", "mvae_core.host", "mvae_core.plugins"):  # importers first
        monkeypatch.setattr(f"{module}.available_plugins", lambda: plugins, raising=False)


def _config(tmp_path: Path, enabled: str) -> Path:
    path = tmp_path / "c.toml"
    path.write_text(f"[plugins]\nenabled = {enabled}\n\n[plugins.floor]\nnats = 1.0\n")
    return path


def test_the_command_line_names_the_section_and_the_flag_that_enables_it(synth_dir: Path, tmp_path: Path) -> None:
    config = _config(tmp_path, '["all"]')
    sets = [part for setting in TINY for part in ("--set", setting)]
    args = ["train", str(synth_dir), "--config", str(config), *sets, "--epochs", "1", "--out", str(tmp_path / "r")]
    result = CliRunner().invoke(app, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert result.stderr.count(NOTE) == 1, result.stderr
    assert (f"{NOTE}--plugins all,floor (or enabled = [\"all\", \"floor\"] under [plugins] in the config)"
            in " ".join(result.stderr.split()))  # fmt: skip


def test_python_callers_get_the_plugins_argument(synth_dir: Path, tmp_path: Path, capsys) -> None:
    config = _config(tmp_path, '["all"]')
    mvae_core.train(synth_dir, tmp_path / "r", config=config, overrides=TINY, epochs=1)
    said = " ".join(capsys.readouterr().err.split())  # a warning: on stderr, as the command line's
    assert f"{NOTE}plugins=['all', 'floor'] (or" in said, said


def test_a_list_that_names_its_plugins_or_an_enabled_plugin_gets_no_note(synth_dir: Path, tmp_path: Path, capsys):
    for enabled, plugins in (('["kl_anneal"]', None), ('["all"]', ["all", "floor"]), ('["all"]', ["none"])):
        mvae_core.train(synth_dir, tmp_path / enabled[2:6] / str(plugins), config=_config(tmp_path, enabled),
                        overrides=TINY, plugins=plugins, epochs=1)  # fmt: skip
        assert "not enabled" not in capsys.readouterr().out
