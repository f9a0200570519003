"""Every public call of ``mvae_core`` takes its keywords alike (helper-462 findings 4 and 5, helper-472's plugins=[]).

A misspelt keyword of ``train``, ``load``, ``encode`` or ``plot`` (``epoch=``, ``plugin=``, ``override=``) was
Python's bare TypeError, where ``generate``, ``evaluate``, ``compare``, ``interpolate`` and ``ablate`` said an
:class:`InputError` with "did you mean"; ``train`` took all its eleven arguments by position, although the docs say
every setting goes after a ``*`` by name. ``train(plugins="kl_anneal")`` was a ConfigError while ``ablate`` and
``--plugins`` take names comma-separated. A resume given ``plugins=[]`` trained with the run's plugins all the same
(it takes them out now, with a warning)."""

from __future__ import annotations

import inspect
import shutil
import warnings
from pathlib import Path

import pytest
from typer.testing import CliRunner

import mvae_core
from mvae_core.cli import app
from mvae_core.config import ConfigError
from mvae_core.errors import InputError, MvaeError
from mvae_core.run import RunDir
from mvae_core.run_setup import resume_setup
from tests.training import TINY

PUBLIC_CALLS = sorted(name for name in mvae_core.__all__ if inspect.isfunction(getattr(mvae_core, name)))


@pytest.mark.parametrize(
    ("call", "given", "said"),
    [
        ("train", {"epoch": 3}, r"^unknown training option 'epoch' \(did you mean 'epochs'\?\); options are config, "),
        ("train", {"plugin": ["kl_anneal"]}, r"^unknown training option 'plugin' \(did you mean 'plugins'\?\)"),
        ("train", {"override": {}}, r"^unknown training option 'override' \(did you mean 'overrides'\?\)"),
        ("load", {"runn": "runs/a"}, r"^unknown argument 'runn' \(did you mean 'run'\?\); arguments are run$"),
        ("encode", {"run": "runs/a", "midi_file": "a.mid"}, r"^unknown argument 'midi_file' \(did you mean 'midi'"),
        ("plot", {"runs": "runs/a", "out": "a.png", "metric": "val.kl"}, r"^unknown plot option 'metric' \(did you "),
    ],
)
def test_a_misspelt_keyword_is_an_input_error_naming_the_closest(call, given, said, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # nothing is read or written: the keyword is refused first
    with pytest.raises(InputError, match=said):
        getattr(mvae_core, call)(**given)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("call", PUBLIC_CALLS)
def test_every_public_call_refuses_an_unknown_keyword_alike(call):
    with pytest.raises(InputError, match=r"^unknown .*'no_such_keyword'; \w+s are "):
        getattr(mvae_core, call)(no_such_keyword=1)


def test_train_takes_its_settings_by_name_and_by_position_with_a_future_warning(tmp_path):
    assert [p.name for p in inspect.signature(mvae_core.train).parameters.values() if p.kind is p.KEYWORD_ONLY] == [
        "config", "overrides", "plugins", "epochs", "resume", "jobs", "progress", "stop", "init_from",
    ]  # fmt: skip
    missing = tmp_path / "missing"
    with (
        pytest.warns(
            FutureWarning,
            match=r"mvae_core.train: give config=None, overrides=None, plugins=None, epochs=1 "
            r"by name; taking config, overrides, plugins, epochs by position",
        ),  # fmt: skip
        pytest.raises(MvaeError, match="missing"),  # then it runs as before: the data is not there
    ):
        mvae_core.train([missing], tmp_path / "run", None, None, None, 1)


def test_mvae_train_calls_train_by_name(tmp_path):
    """The command line gives no setting by position (it would print the FutureWarning to its user)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = CliRunner().invoke(app, ["train", str(tmp_path / "missing"), "--out", str(tmp_path / "r")])
    assert result.exit_code == 2, result.output
    assert not [w for w in caught if issubclass(w.category, FutureWarning)]


def test_train_takes_plugin_names_comma_separated_as_ablate_does(synth_dir, tmp_path):
    result = mvae_core.train([synth_dir], tmp_path / "run", overrides=TINY, epochs=1, plugins="kl_anneal, ts_ramp",
                             progress=False)  # fmt: skip
    assert RunDir(result.path).read_config().plugins.enabled == ["kl_anneal", "ts_ramp"]


def test_a_bad_plugin_string_is_refused_as_plugins_enabled_reads_it(tmp_path):
    with pytest.raises(ConfigError, match=r"^plugins.enabled = 'kl_anneal,,ts_ramp': an empty plugin name; "):
        mvae_core.train(["missing"], tmp_path / "run", plugins="kl_anneal,,ts_ramp", progress=False)


@pytest.fixture
def run(tiny_run: Path, tmp_path: Path) -> Path:
    """A copy of the tiny run (3 epochs, every built-in plugin) to resume."""
    return Path(shutil.copytree(tiny_run, tmp_path / "run"))


def test_a_resume_given_no_plugins_takes_them_all_out_with_a_warning(run):
    """``plugins=[]`` trained with the run's plugins in silence; then it was refused, though taking plugins out of
    ``config.toml`` resumes; now it takes them out as that edit does, with its warning."""
    _, cfg, _, _ = resume_setup(run, None, None, None, [], None)
    assert cfg.plugins.enabled == []
    assert resume_setup(run, None, None, None, None, None)[1].plugins.enabled[0] == "kl_anneal"  # none given: the run's
    with pytest.warns(mvae_core.TrainingWarning, match=r"plugins 'kl_anneal', .* taken out of plugins.enabled"):
        mvae_core.train(out=run, resume=True, plugins=[], epochs=4, progress=False)
    assert len(RunDir(run).read_metrics()) == 4 and RunDir(run).read_config().plugins.enabled == []


def test_a_resume_given_the_run_s_plugin_names_in_one_string_passes(run):
    result = mvae_core.train(out=run, resume=True, plugins="all", epochs=4, progress=False)
    assert result.epochs_run == 4
