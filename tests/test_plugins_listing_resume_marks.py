"""`mvae plugins` (and `--json`) says which settings a resume takes an edit of: those a plugin marks
`json_schema_extra=MAY_CHANGE_ON_RESUME`. Before, the listing showed them like any other setting, so a user editing a
run's config.toml before `--resume` could not tell which edit passes and which is refused.

A mark on a setting of a nested settings model (`[plugins.x.log] every`), or on a setting with an alias, counts too:
before, the resume looked the key's first part up by field name only, so it refused an edit the author had marked."""

from __future__ import annotations

import importlib.metadata
import json
import tomllib

import tomli_w
from pydantic import BaseModel, ConfigDict, Field
from typer.testing import CliRunner

import mvae_core
from mvae_core import hookimpl
from mvae_core.cli import app
from mvae_core.config import PluginsConfig
from mvae_core.host import PluginHost
from mvae_core.plugin_catalog import describe
from mvae_core.plugins import MAY_CHANGE_ON_RESUME, PluginInfo

runner = CliRunner()


class Log(BaseModel):
    model_config = ConfigDict(extra="forbid")
    every: int = Field(10, description="How often it logs.", json_schema_extra=MAY_CHANGE_ON_RESUME)
    scale: float = Field(1.0, description="Changes what it logs.")


class Logger:
    """Logs somewhere."""

    class Config(BaseModel):
        model_config = ConfigDict(extra="forbid", populate_by_name=True)
        decay: float = Field(0.9, description="Changes what the run computes.")
        every: int = Field(10, description="How often it logs.", json_schema_extra=MAY_CHANGE_ON_RESUME)
        where: str = Field(  # the mark beside other schema extras still counts
            "logs", description="Where it logs.", json_schema_extra={**MAY_CHANGE_ON_RESUME, "examples": ["tb"]}
        )
        log: Log = Field(default_factory=Log, description="A table of settings, one of them marked.")
        log_dir: str = Field(
            "tb", alias="logdir", description="Given as logdir.", json_schema_extra=MAY_CHANGE_ON_RESUME
        )

    def __init__(self, config: Config) -> None:
        self.config = config

    @hookimpl
    def mvae_epoch_end(self) -> None:
        return None


INFO = PluginInfo("logger", "package mvae-logger", "1.0", lambda: Logger)


def test_the_json_listing_flags_each_setting_a_resume_may_take():
    marks = {f["name"]: f.get("may_change_on_resume", False) for f in describe(INFO)["config"]}
    assert marks == {"decay": False, "every": True, "where": True, "log": ["every"], "logdir": True}
    host = PluginHost.from_config(PluginsConfig(enabled=["logger"]), {"logger": INFO})  # the resume's own test agrees
    taken = {key: host.may_change_on_resume(f"plugins.logger.{key}") for key in
             ("decay", "every", "where", "log.every", "log.scale", "logdir", "log_dir", "nothing", "every.deeper")}  # fmt: skip
    assert taken == {"decay": False, "every": True, "where": True, "log.every": True, "log.scale": False,
                     "logdir": True, "log_dir": True, "nothing": False, "every.deeper": True}  # fmt: skip


class _Dist:
    name, version = "mvae-logger", "1.0"


class _EntryPoint:
    name, dist = "logger", _Dist()

    def load(self) -> object:
        return Logger


def test_mvae_plugins_names_the_settings_a_resume_may_take(monkeypatch):
    monkeypatch.setattr(
        importlib.metadata, "entry_points", lambda group: [_EntryPoint()] if group == "mvae.plugins" else []
    )
    result = runner.invoke(app, ["plugins"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    line = (
        "a resume takes an edit of every, where, log.every, logdir (with a warning); an edit of any other setting "
        "refuses it"
    )
    assert line in result.output
    ours = result.output.split("\nlogger\n", 1)[1]
    assert line in ours
    # a built-in marks its own: ts_variance_monitor's three settings decide only when it warns; kl_anneal marks none
    assert "a resume takes an edit of threshold, quantized_std, repeat_every (with a warning)" in result.output
    assert "a resume takes an edit of" not in result.output.split("\nkl_anneal\n", 1)[1].split("\n\n", 1)[0]
    listed = {e["name"]: e for e in json.loads(runner.invoke(app, ["plugins", "--json"]).stdout)}
    assert not any("may_change_on_resume" in f for f in listed["kl_anneal"]["config"])  # only a marked one has it
    assert all(f["may_change_on_resume"] is True for f in listed["ts_variance_monitor"]["config"])


def test_a_resume_takes_an_edit_of_a_marked_setting_of_a_nested_table(monkeypatch, synth_dir, tmp_path, capsys):
    from tests.training import TINY

    monkeypatch.setattr(
        importlib.metadata, "entry_points", lambda group: [_EntryPoint()] if group == "mvae.plugins" else []
    )
    run = tmp_path / "run"
    mvae_core.train([synth_dir], run, overrides=TINY, plugins=["logger"], epochs=1, progress=False)
    tree = tomllib.loads((run / "config.toml").read_text(encoding="utf-8"))
    tree["plugins"]["logger"]["log"]["every"] = 3  # marked: taken, with a warning
    tree["plugins"]["logger"]["logdir"] = "elsewhere"  # marked, under its alias
    (run / "config.toml").write_text(tomli_w.dumps(tree), encoding="utf-8")
    resumed = mvae_core.train(out=run, resume=True, epochs=2, progress=True)
    assert resumed.outcome == "trained"
    said = capsys.readouterr()
    said = " ".join((said.out + said.err).split())
    assert '(plugins.logger.log.every 10 → 3, plugins.logger.logdir "tb" → "elsewhere")' in said
    tree["plugins"]["logger"]["log"]["scale"] = 2.0  # not marked: refused
    (run / "config.toml").write_text(tomli_w.dumps(tree), encoding="utf-8")
    try:
        mvae_core.train(out=run, resume=True, epochs=3, progress=False)
    except mvae_core.ConfigError as refused:
        assert "(plugins.logger.log.scale 1.0 → 2.0)" in str(refused)
    else:
        raise AssertionError("an edit of an unmarked setting of the table was taken")
