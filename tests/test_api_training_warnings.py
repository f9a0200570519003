"""``train(progress=False)`` said none of mvae's own warnings (validation that is one source's last loops or a
file's few loops, the data's per-file warnings, a resume's edited settings, ...): not printed, not raised, not in
``RunResult.warnings()``, whose docstring promised what the console prints; an ablation's summaries missed them too.
Now each is a ``TrainingWarning`` attributed to the caller's line, and kept in the run (its first metrics line of each
training) for ``RunResult.warnings()`` and the ablation whatever ``progress`` was. With ``progress=True`` a Python
caller's warning lines went to stdout, where the command line sends them to stderr; ``RunResult.path`` kept a
relative ``out`` as given, so the result no longer loaded after ``os.chdir`` (helper-462, findings 1, 6, 7)."""

from __future__ import annotations

import json
import os
import threading
import warnings
from pathlib import Path

import pytest
from typer.testing import CliRunner

import mvae_core
from mvae_core import TrainingWarning, hookimpl
from mvae_core.ablation.estimates import warnings_by_config
from mvae_core.ablation.facts import read_facts
from mvae_core.ablation.plan import Configuration
from mvae_core.cli import app
from tests.synth import SynthNote, melody_folder, write_midi
from tests.training import TINY

ONE_SOURCE = "only one source"


@pytest.fixture(scope="module")
def one_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One file of 12 loops: its validation is its own last loops (the split warns)."""
    return melody_folder(tmp_path_factory.mktemp("one"), n_files=1, n_loops=12, seed=0)


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two one-bar clips: each gets the data's per-file ``one bar`` warning."""
    folder = tmp_path_factory.mktemp("clips")
    for k in range(2):
        write_midi(folder / f"clip{k}.mid", [SynthNote(60 + (3 * j + k) % 7, j * 240, j * 240 + 200) for j in range(8)])
    return folder


def _training_warnings(caught: list[warnings.WarningMessage]) -> list[TrainingWarning]:
    return [w.message for w in caught if isinstance(w.message, TrainingWarning)]


def test_a_quiet_run_raises_mvaes_own_warnings_at_the_callers_line_and_keeps_them(one_source, tmp_path, capsys):
    with pytest.warns(TrainingWarning, match=ONE_SOURCE) as caught:
        result = mvae_core.train([one_source], tmp_path / "run", overrides=TINY, epochs=1, progress=False, plugins=[])
    assert capsys.readouterr() == ("", "")  # nothing printed
    raised = [w for w in caught if issubclass(w.category, TrainingWarning)]
    assert {w.filename for w in raised} == {__file__}  # the line of the train(...) call, not mvae's
    assert {w.message.source for w in raised} == {"core"}
    said = result.warnings()
    assert said == [str(w.message) for w in raised], said  # each once
    assert any(line.startswith("core: ") and ONE_SOURCE in line for line in said)
    # kept in the run: its first metrics line holds them, where a later reader (an ablation, mvae plot) finds them
    first = result.metrics()[0]["events"]
    assert [f"{e['source']}: {e['message']}" for e in first if e["level"] == "warning"] == said


def test_plugins_warnings_are_raised_once_each_beside_mvaes(synth_dir, clips, tmp_path):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = mvae_core.train([synth_dir, clips], tmp_path / "run", overrides=TINY, epochs=2, progress=False,
                                 plugins=["kl_anneal"])  # fmt: skip
    raised = _training_warnings(caught)
    assert [w.source for w in raised] == ["core", "core", "kl_anneal"], raised  # kl_anneal's not again in epoch 1
    # the data's per-file warnings, one per kind: both clips in one warning, with where each file's is
    assert raised[0].message.startswith("one bar in 2 files of the data (") and "data_report.json" in raised[0].message
    assert raised[1].message.startswith("validation is ")
    assert sorted(result.warnings()) == sorted(map(str, raised))  # metrics.jsonl's order: plugins' start-up first


def test_a_run_that_prints_says_its_warnings_on_stderr_and_raises_none(one_source, tmp_path, capsys):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = mvae_core.train([one_source], tmp_path / "run", overrides=TINY, epochs=1, progress=True, plugins=[])
    out, err = capsys.readouterr()
    assert f"warning: {ONE_SOURCE}" in err and ONE_SOURCE not in out
    assert "epoch   1/1" in out  # the epoch lines stay on stdout
    assert not _training_warnings(caught)  # the console said them: not twice
    assert any(ONE_SOURCE in line for line in result.warnings())


def test_the_command_line_says_each_warning_once_as_before(one_source, tmp_path, wide_console):
    printed = CliRunner().invoke(
        app, ["train", str(one_source), "--epochs", "1", "--plugins", "none",
              *(arg for setting in TINY for arg in ("--set", setting)), "--out", str(tmp_path / "run")],
    )  # fmt: skip
    assert printed.exit_code == 0, printed.output
    assert printed.stderr.count(f"warning: {ONE_SOURCE}") == 1
    assert "core:" not in printed.stdout + printed.stderr  # the kept events are not shown again as events
    first = json.loads((tmp_path / "run" / "metrics.jsonl").read_text().splitlines()[0])
    assert any(e["source"] == "core" and ONE_SOURCE in e["message"] for e in first["events"])


def test_a_resume_that_finds_the_run_finished_still_gives_its_warnings(synth_dir, tmp_path):
    run = tmp_path / "run"
    mvae_core.train([synth_dir], run, overrides=TINY, epochs=1, progress=False, plugins=[])
    with pytest.warns(TrainingWarning, match="edited since") as caught:
        result = mvae_core.train(out=run, resume=True, overrides={"train.device": "cpu"}, progress=False, plugins=[])
    assert result.outcome == "already finished"
    (edited,) = [str(w.message) for w in caught if "edited since" in str(w.message)]
    assert edited in result.warnings() and result.core_warnings


class StopAfterFirstStep:
    """Asks for a stop (as Ctrl-C does) after the first step of the first epoch."""

    def __init__(self, stop: threading.Event | None) -> None:
        self.stop = stop

    @hookimpl
    def mvae_step_end(self, epoch: int, step: int) -> None:
        if self.stop is not None and (epoch, step) == (0, 0):
            self.stop.set()


def test_a_run_paused_in_its_first_epoch_keeps_what_its_start_warned_of(synth_dir, tmp_path):
    """The resume does not warn again of what a new run's start found; the pause keeps it for the first line."""
    stop, run = threading.Event(), tmp_path / "run"
    with warnings.catch_warnings(record=True) as caught, pytest.raises(mvae_core.RunInterrupted):
        warnings.simplefilter("always")
        mvae_core.train([synth_dir], run, overrides=TINY, epochs=1, progress=False, stop=stop,
                        plugins=[("stopper", StopAfterFirstStep(stop))])  # fmt: skip
    (few,) = [str(w) for w in _training_warnings(caught)]
    assert few.startswith("core: validation is ")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = mvae_core.train(out=run, resume=True, progress=False, plugins=[("stopper", StopAfterFirstStep(None))])
    assert not _training_warnings(caught)  # said once, by the call that found it
    assert result.warnings() == [few] and [e["source"] for e in result.metrics()[0]["events"]] == ["core"]


def test_the_result_and_a_loaded_run_name_their_folder_from_anywhere(synth_dir, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TrainingWarning)
        result = mvae_core.train([synth_dir], "run", overrides=TINY, epochs=1, progress=False, plugins=[])
    loaded = mvae_core.load("run")
    assert result.path == loaded.path == tmp_path / "run" and result.path.is_absolute()
    os.chdir(tmp_path.parent)  # monkeypatch puts the first folder back
    assert mvae_core.load(result).path == tmp_path / "run" and result.metrics()


def test_an_ablation_keeps_mvaes_warnings_of_every_attempt(tmp_path):
    """A resumed attempt does not say again what its run's start said of its validation: the plugins' warnings are
    the latest attempt's, mvae's those of every attempt."""
    core = {"source": "core", "level": "warning", "message": "validation is 4 loops from 1 file"}
    plugin = {"source": "kl_anneal", "level": "warning", "message": "ends with epoch 1"}
    again = {"source": "kl_anneal", "level": "warning", "message": "ends with epoch 2"}
    lines = [{"epoch": 0, "val_elbo": 3.0, "seconds": 1.0, "events": [core, plugin]},
             {"epoch": 1, "val_elbo": 2.0, "seconds": 1.0, "events": [again]}]  # fmt: skip
    (tmp_path / "metrics.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines))
    facts = read_facts(tmp_path, attempt_start=1)
    assert facts.warnings == ("core: validation is 4 loops from 1 file", "kl_anneal: ends with epoch 2")
    rows = [{"config": "all", "seed": 0, "warnings": list(facts.warnings)}]
    assert warnings_by_config(rows, [Configuration("all", ("kl_anneal",))])[0] == ("all", facts.warnings[0], "0")


def test_a_copy_of_a_training_warning_is_the_same_warning():
    """pytest-xdist and pickle rebuild a warning from its arguments: the source must not be read again from the text
    (which said ``core: core: …`` and ``core: kl_anneal: …`` in CI's summary)."""
    import pickle

    from mvae_core import TrainingWarning

    warning = TrainingWarning("ends with epoch 2", "kl_anneal")
    copy = pickle.loads(pickle.dumps(warning))
    assert (copy.source, copy.message, str(copy)) == ("kl_anneal", "ends with epoch 2", "kl_anneal: ends with epoch 2")
    assert type(warning)(*warning.args).source == "kl_anneal"
