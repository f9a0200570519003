"""A resume whose plugin's package is gone said "continue without it: remove it from [plugins] enabled and its
[plugins.<name>] section in RUN/config.toml", and docs/plugins.md promised that the resumed epochs then run without
it; doing so was refused as an edited config ("put back plugins.enabled = [...]"), which led back to the first
refusal (helper-464). The clash of two plugins that replace one term sent the user into the same circle. A resume now
takes plugins taken out of ``plugins.enabled`` as a warned edit: the resumed epochs run without them, their saved
state is dropped, and the next resume finds no edit. A plugin added, or the list reordered, is still refused."""

from __future__ import annotations

import re
import shutil
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest
import tomli_w
import torch
from typer.testing import CliRunner

import mvae_core
from mvae_core.cli import app
from mvae_core.errors import ConfigError, ResumeRefused, RunFailed
from mvae_core.plugins import PluginInfo, available_plugins
from mvae_core.resume_settings import RESUME_OPTIONS, RESUME_WARNED
from tests.training import TINY

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "mvae-free-bits"


@pytest.fixture
def installed(monkeypatch: pytest.MonkeyPatch) -> Callable[[bool], None]:
    """``installed(True)``: the example package's ``free_bits`` is registered, as ``pip install`` of it would;
    ``installed(False)``: it is gone (the built-ins alone)."""
    monkeypatch.syspath_prepend(str(EXAMPLE))
    monkeypatch.delitem(sys.modules, "mvae_free_bits", raising=False)
    from mvae_free_bits import FreeBits

    builtins = available_plugins()
    info = PluginInfo("free_bits", "package mvae-free-bits", "0.2.0", lambda: FreeBits)

    def install(present: bool) -> None:
        plugins = {**builtins, "free_bits": info} if present else builtins
        for module in ("mvae_core.run_plugins", "mvae_core.host", "mvae_core.plugins", "mvae_core.run_versions"):
            monkeypatch.setattr(f"{module}.available_plugins", lambda: plugins, raising=False)

    return install


def _followed(run: Path, advice: str) -> None:
    """``run``'s config.toml edited as ``advice`` says: "remove it from [plugins] enabled and its [plugins.x]
    section" (x taken from the advice)."""
    (name,) = re.findall(r"its \[plugins\.(\w+)\] section", advice)
    tree = tomllib.loads((run / "config.toml").read_text(encoding="utf-8"))
    tree["plugins"]["enabled"].remove(name)
    del tree["plugins"][name]
    (run / "config.toml").write_text(tomli_w.dumps(tree), encoding="utf-8")


def _said(capsys: pytest.CaptureFixture[str]) -> str:
    captured = capsys.readouterr()
    return " ".join((captured.out + captured.err).split())


def test_the_advice_of_a_resume_whose_plugin_is_gone_is_followed_to_the_end(installed, synth_dir, tmp_path, capsys):
    installed(True)
    run = tmp_path / "run"
    mvae_core.train([synth_dir], run, overrides=TINY, plugins=["kl_anneal", "free_bits"], epochs=1, progress=False)
    installed(False)
    with pytest.raises(ResumeRefused) as refused:
        mvae_core.train(out=run, resume=True, epochs=2, progress=False)
    advice = str(refused.value)
    assert "pip install 'mvae-free-bits==0.2.0'), or continue without it: remove it from [plugins] enabled" in advice

    _followed(run, advice)  # before: ConfigError "put back plugins.enabled = ["kl_anneal", "free_bits"]"
    resumed = mvae_core.train(out=run, resume=True, epochs=2, progress=True)
    assert (resumed.outcome, resumed.epochs_run) == ("trained", 2)
    said = _said(capsys)
    assert (
        f'warning: {run / "config.toml"} was edited since the run\'s last checkpoint (plugins.enabled ["kl_anneal", '
        '"free_bits"] → ["kl_anneal"]): plugin \'free_bits\' taken out of plugins.enabled: the resumed epochs run '
        "without it"
    ) in said
    assert said.count("free_bits") == 2  # free_bits saved no state: nothing more said of it
    assert tomllib.loads((run / "config.toml").read_text(encoding="utf-8"))["plugins"]["enabled"] == ["kl_anneal"]

    again = mvae_core.train(out=run, resume=True, epochs=3, progress=True)  # the checkpoint records the removal
    assert again.epochs_run == 3 and "edited" not in _said(capsys)


def test_the_advice_of_two_plugins_replacing_one_term_is_followed_to_the_end(installed, synth_dir, tmp_path):
    installed(True)
    from mvae_free_bits import FreeBits

    run = tmp_path / "run"
    with pytest.raises(RunFailed) as failed:
        mvae_core.train([synth_dir], run, overrides=TINY, plugins=["free_bits", ("fb2", FreeBits())], epochs=1,
                        progress=False)  # fmt: skip
    assert "enable only one of them (plugins= of a new run, or [plugins] enabled in the config.toml" in str(
        failed.value
    )
    tree = tomllib.loads((run / "config.toml").read_text(encoding="utf-8"))
    tree["plugins"]["enabled"].remove("fb2")  # as the message says
    (run / "config.toml").write_text(tomli_w.dumps(tree), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"remove the \[plugins\.fb2\] section$"):  # an object's, not built again
        mvae_core.train(out=run, resume=True, progress=False)
    del tree["plugins"]["fb2"]
    (run / "config.toml").write_text(tomli_w.dumps(tree), encoding="utf-8")
    resumed = mvae_core.train(out=run, resume=True, progress=False)  # before: ConfigError, put back plugins.enabled
    assert (resumed.outcome, resumed.epochs_run) == ("trained", 1)


@pytest.fixture(scope="module")
def two_plugins(synth_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A run of 1 epoch with kl_anneal and early_stopping (which saves state), for each test to copy and edit."""
    out = tmp_path_factory.mktemp("two") / "run"
    mvae_core.train([synth_dir], out, overrides=TINY, plugins=["kl_anneal", "early_stopping"], epochs=1, progress=False)
    return out


def _enabled(run: Path, names: list[str]) -> None:
    tree = tomllib.loads((run / "config.toml").read_text(encoding="utf-8"))
    tree["plugins"]["enabled"] = names
    (run / "config.toml").write_text(tomli_w.dumps(tree), encoding="utf-8")


def test_a_plugin_taken_out_with_its_section_kept_resumes_under_the_cli_and_its_state_is_dropped(two_plugins, tmp_path):
    run = Path(shutil.copytree(two_plugins, tmp_path / "run"))
    assert "early_stopping" in torch.load(run / "checkpoint.pt", weights_only=True)["plugins"]
    _enabled(run, ["kl_anneal"])
    result = CliRunner().invoke(app, ["train", "--resume", str(run), "--epochs", "2"])
    said = " ".join(result.output.split())
    assert result.exit_code == 0, said
    assert (
        f'warning: {run / "config.toml"} was edited since the run\'s last checkpoint (plugins.enabled ["kl_anneal", '
        '"early_stopping"] → ["kl_anneal"]): plugin \'early_stopping\' taken out of plugins.enabled: the resumed '
        f"epochs run without it, and the state it saved in {run / 'checkpoint.pt'} is dropped"
    ) in said
    payload = torch.load(run / "checkpoint.pt", weights_only=True)
    assert (
        payload["epoch"] == 1
        and list(payload["plugins"]) == []
        and payload["config"]["plugins"]["enabled"] == ["kl_anneal"]
    )
    result = CliRunner().invoke(app, ["train", "--resume", str(run), "--epochs", "3"])
    assert result.exit_code == 0 and "edited" not in result.output, result.output


@pytest.mark.parametrize(
    "names",
    [["kl_anneal", "early_stopping", "ts_ramp"], ["early_stopping", "kl_anneal"], ["kl_anneal", "ts_ramp"]],
    ids=["added", "reordered", "one-for-another"],
)
def test_a_plugin_added_or_the_list_reordered_is_still_refused(two_plugins, tmp_path, names):
    run = Path(shutil.copytree(two_plugins, tmp_path / "run"))
    _enabled(run, names)
    with pytest.raises(ConfigError) as refused:
        mvae_core.train(out=run, resume=True, epochs=2, progress=False)
    assert 'put back plugins.enabled = ["kl_anneal", "early_stopping"] in' in str(refused.value)


def test_the_resume_help_names_what_a_resume_takes_from_the_one_list_of_it():
    """The help said "--device only" while a resume also took ``--set`` of every setting of ``RESUME_WARNED``."""
    shown = CliRunner().invoke(app, ["train", "--help"], env={"COLUMNS": "300"}).output
    (line,) = [line for line in shown.splitlines() if "--resume" in line and "Continue the run" in line]
    for given in [*RESUME_OPTIONS, *RESUME_WARNED]:
        assert given in line, line


def test_cli_md_resume_names_every_setting_a_resume_takes():
    text = (Path(__file__).resolve().parents[1] / "docs" / "cli.md").read_text(encoding="utf-8")
    resume = text.split("### Resume\n", 1)[1].split("\n#", 1)[0]
    for given in [*RESUME_OPTIONS, *RESUME_WARNED]:
        assert f"`{given}`" in resume, given


@pytest.mark.parametrize(
    "given", [["--set", 'plugins.enabled=["kl_anneal"]'], ["--plugins", "kl_anneal"]], ids=["set", "plugins"]
)
def test_a_plugin_taken_out_on_the_command_line_resumes_as_the_edit_of_config_toml_does(two_plugins, tmp_path, given):
    """The same removal given to the resume (helper-478 F3) was refused ("--set cannot change it"), advising a new
    run, while the edit of ``config.toml`` that the missing-plugin refusal advises resumed with a warning."""
    run = Path(shutil.copytree(two_plugins, tmp_path / "run"))
    result = CliRunner().invoke(app, ["train", "--resume", str(run), *given, "--epochs", "2"])
    said = " ".join(result.output.split())
    assert result.exit_code == 0, said
    assert "plugin 'early_stopping' taken out of plugins.enabled: the resumed epochs run without it" in said
    assert tomllib.loads((run / "config.toml").read_text(encoding="utf-8"))["plugins"]["enabled"] == ["kl_anneal"]
    other = CliRunner().invoke(app, ["train", "--resume", str(run), "--plugins", "ts_ramp", "--epochs", "3"])
    assert other.exit_code == 2 and "--plugins cannot change it" in " ".join(other.output.split())
