"""The Python API: mvae_core.train (new runs, resumes, plugin objects, typed errors), load, generate, evaluate."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import tomllib

import pretty_midi
import pytest

import mvae_core
from mvae_core import hookimpl
from mvae_core.errors import (
    ConfigError,
    DataChanged,
    DataError,
    InputError,
    OptionError,
    ResumeRefused,
    RunExists,
    RunFailed,
    RunInterrupted,
)
from mvae_core.plugins import PluginError
from tests.side_by_side import run_together
from tests.synth import melody_folder
from tests.training import Poison

TINY = {"model.hidden": 32, "train.batch_size": 16, "data.transpositions": [-5, 5]}


def train(data, out, **kwargs):
    kwargs.setdefault("overrides", TINY)
    kwargs.setdefault("plugins", [])
    return mvae_core.train(data=[data], out=out, progress=False, **kwargs)


class StepCounter:
    """A plugin object with state, as a notebook would write it."""

    def __init__(self) -> None:
        self.steps = 0

    @hookimpl
    def mvae_step_end(self):
        self.steps += 1

    @hookimpl
    def mvae_epoch_end(self, trainer):
        trainer.record("steps", self.steps)

    @hookimpl
    def mvae_state_dict(self):
        return {"steps": self.steps}

    @hookimpl
    def mvae_load_state_dict(self, state):
        self.steps = state["steps"]


@pytest.fixture(scope="module")
def trained(synth_dir, tmp_path_factory) -> mvae_core.RunResult:
    run = tmp_path_factory.mktemp("api") / "run"
    return train(synth_dir, run, plugins=["kl_anneal", StepCounter()], epochs=2)


def test_train_returns_the_result_and_writes_the_run(trained, synth_dir):
    assert trained.outcome == "trained" and trained.epochs_run == 2 and trained.stop_reasons == []
    records = trained.metrics()
    assert [r["epoch"] for r in records] == [0, 1]
    assert trained.best_val_elbo == min(r["val_elbo"] for r in records)
    config = tomllib.loads((trained.path / "config.toml").read_text(encoding="utf-8"))
    assert config["plugins"]["enabled"] == ["kl_anneal", "step_counter"]  # an object is named after its class
    assert config["provenance"]["versions"]["step_counter"] == "object tests.test_api:StepCounter"
    assert config["provenance"]["data"] == [str(synth_dir.resolve())]  # absolute: resumable from anywhere
    steps = records[0]["plugins"]["step_counter"]["steps"]
    assert steps > 0 and records[1]["plugins"]["step_counter"]["steps"] == 2 * steps


def test_resume_from_another_folder_with_the_plugin_object(trained, tmp_path, monkeypatch):
    import shutil

    run = shutil.copytree(trained.path, tmp_path / "copy")
    monkeypatch.chdir(tmp_path)  # the data path was stored absolute
    with pytest.raises(
        ResumeRefused, match=r"plugin 'step_counter', a Python object \(tests.test_api:StepCounter\).*resume=True"
    ):
        mvae_core.train(out=run, resume=True, epochs=3, progress=False)
    result = mvae_core.train(out=run, resume=True, epochs=3, plugins=[StepCounter()], progress=False)
    assert result.outcome == "trained" and result.epochs_run == 3
    records = result.metrics()
    per_epoch = records[0]["plugins"]["step_counter"]["steps"]
    assert records[2]["plugins"]["step_counter"]["steps"] == 3 * per_epoch  # its state came back
    again = mvae_core.train(out=run, resume=True, plugins=[StepCounter()], progress=False)
    assert again.outcome == "already finished" and again.epochs_run == 3


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"config": {"train": {"lr": 1.0}}}, "config cannot change it"),
        ({"overrides": {"train.lr": 1.0}}, "overrides cannot change it"),
        (
            {"plugins": ["ts_ramp"]},
            r"plugins \(by name\) cannot change it but to take some out: it trains with kl_anneal",
        ),
    ],
)
def test_resume_refuses_what_would_change_the_run(trained, kwargs, message):
    with pytest.raises(ResumeRefused, match=message):
        mvae_core.train(out=trained.path, resume=True, progress=False, **kwargs)


def test_resume_refuses_an_epoch_budget_of_zero(trained):
    """``epochs=0`` read as 'no new budget': the resume said the run had finished, as if it were a request."""
    with pytest.raises(OptionError, match=r"^epochs must be at least 1, got 0$"):
        mvae_core.train(out=trained.path, resume=True, epochs=0, progress=False)


def test_resume_refuses_a_folder_without_a_checkpoint(tmp_path):
    with pytest.raises(ResumeRefused, match=r"nothing to resume there \(no checkpoint.pt\)"):
        mvae_core.train(out=tmp_path, resume=True, progress=False)
    with pytest.raises(ResumeRefused) as caught:  # the next step as a Python caller takes it
        mvae_core.train(out=tmp_path / "gone", resume=True, progress=False)
    assert str(caught.value).endswith(f"start the run: mvae_core.train(data=DATA, out={str(tmp_path / 'gone')!r})")
    assert caught.value.command_line_message().endswith(f"start the run: mvae train DATA --out {tmp_path / 'gone'}")


def test_a_new_run_never_overwrites_one(trained, synth_dir):
    with pytest.raises(RunExists, match="already holds a run"):
        train(synth_dir, trained.path)


def test_a_missing_data_folder_is_named_and_nothing_is_written(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(DataError, match=r"^data mydata: no such file or folder .*check the path"):
        train("mydata", tmp_path / "run")
    assert not (tmp_path / "run").exists()


def test_unusable_data_writes_no_run_directory(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(DataError, match="no loops to train on") as empty:
        train(tmp_path / "empty", tmp_path / "run")
    assert not (tmp_path / "run").exists()
    # with no file at all, 'see mvae data inspect for each file' pointed nowhere
    assert str(empty.value).endswith("(no MIDI files found); put MIDI files (.mid, .midi, .smf, .kar) in it, or give "
                                     "the folder that holds them")  # fmt: skip
    (tmp_path / "empty" / "broken.mid").write_bytes(b"MThd")
    with pytest.raises(DataError, match=r"none usable \(.*\); see mvae data inspect for each file$"):
        train(tmp_path / "empty", tmp_path / "run")


def test_changed_data_refuses_the_resume(synth_dir, tmp_path):
    import shutil

    data = shutil.copytree(synth_dir, tmp_path / "data")
    train(data, tmp_path / "run", epochs=1)
    (data / "melody_00.mid").unlink()
    with pytest.raises(DataChanged, match="changed since the run started"):
        mvae_core.train(out=tmp_path / "run", resume=True, epochs=2, progress=False)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"overrides": {"train.epoch": 3}}, r"train.epoch = 3: unknown setting; did you mean train.epochs\?"),
        ({"overrides": ["trian.epochs=3"]}, r"trian: unknown section; did you mean train\?"),
        ({"plugins": ["KL_ANNEAL"]}, r"unknown plugin 'KL_ANNEAL'; did you mean 'kl_anneal'\?"),
        ({"plugins": "kl_anneal,,ts_ramp"}, r"plugins.enabled = 'kl_anneal,,ts_ramp': an empty plugin name"),
        ({"overrides": {"plugins.kl_anneal.schedule": {"name": "linaer"}}, "plugins": ["kl_anneal"]}, "'linear'"),
    ],
)
def test_bad_config_is_a_config_error_naming_the_field(synth_dir, tmp_path, kwargs, message):
    with pytest.raises(ConfigError, match=message):
        train(synth_dir, tmp_path / "run", **kwargs)
    assert not (tmp_path / "run").exists()


def test_a_failed_run_raises_run_failed_after_recording_why(synth_dir, tmp_path):
    with pytest.raises(RunFailed, match=r"non-finite loss in epoch 2, step 1") as failed:
        train(synth_dir, tmp_path / "run", plugins=[Poison()], epochs=3)
    assert failed.value.run == tmp_path / "run" and failed.value.exit_code == 1
    failure = json.loads((tmp_path / "run" / "failure.json").read_text())
    assert failure["error"] == "non-finite loss" and failure["epoch"] == 1  # files count epochs from 0


class SelfInterrupt:
    @hookimpl
    def mvae_step_end(self, trainer, epoch, step):
        if (epoch, step) == (1, 1):
            os.kill(os.getpid(), signal.SIGINT)


def test_ctrl_c_checkpoints_and_raises_run_interrupted(synth_dir, tmp_path):
    # the flag is polled in the next step, which finishes: 3 steps of epoch 2 (counted from 1) are done
    with pytest.raises(RunInterrupted, match=r"SIGINT: stopped at step 3 of epoch 2 and checkpointed") as stopped:
        train(synth_dir, tmp_path / "run", plugins=[("interrupt", SelfInterrupt())], epochs=3)
    assert stopped.value.exit_code == 130
    with pytest.raises(ResumeRefused, match="plugin 'interrupt'"):
        mvae_core.train(out=tmp_path / "run", resume=True, progress=False)


def test_load_generate_and_evaluate(trained, tmp_path):
    run = mvae_core.load(trained.path)
    assert not run.model.training and run.config.model.hidden == 32 and len(run.metrics()) == 2
    generated = mvae_core.generate(run, random=3, seed=4, temperature=0.5)
    assert len(generated) == 3 and all(len(loops) == 1 for loops in generated.loops)
    files = generated.write(tmp_path / "samples")
    assert [f.name for f in files] == [f"{generated.name(i)}.mid" for i in range(3)]
    assert all(pretty_midi.PrettyMIDI(str(f)).instruments for f in files)
    same = run.generate(random=3, seed=4, temperature=0.5)
    assert same.loops == generated.loops  # seeded
    held_out = melody_folder(tmp_path / "held", n_files=2, n_loops=4, seed=11)
    scores = mvae_core.evaluate(run, [held_out], samples=16)
    assert scores["loops"] == 8 and scores["generated"]["samples"] == 16
    assert run.evaluate(str(held_out), samples=16) == scores  # one path, not a list: read as one path, not as letters


class NotRegistered:
    """A plugin object without hooks, for the argument checks below."""


@pytest.mark.parametrize(
    ("plugins", "message"),
    [
        ([None], r"plugins: None is not a plugin"),
        ([("kl_anneal",)], r"plugins: a pair is \(name, plugin object\), got \('kl_anneal',\)"),
        ([("mine", NotRegistered)], r"plugins: 'mine' is the class NotRegistered, not a plugin object; pass "),
    ],
)
def test_a_plugins_argument_that_is_not_a_plugin_is_refused_before_training(tmp_path, plugins, message):
    with pytest.raises(ConfigError, match=message):
        mvae_core.train(data=[tmp_path], out=tmp_path / "run", plugins=plugins, epochs=1, progress=False)
    assert not (tmp_path / "run").exists()


def test_data_given_as_one_path_is_one_path_not_one_per_letter(tmp_path):
    missing = tmp_path / "my-midi"
    with pytest.raises(DataError, match=rf"data {re.escape(str(missing))}: no such file or folder"):
        mvae_core.train(data=str(missing), out=tmp_path / "run", epochs=1, progress=False)


def test_evaluate_refuses_jobs_below_1(trained, tmp_path):
    with pytest.raises(InputError, match="jobs must be at least 1, got 0"):
        mvae_core.evaluate(trained.path, [tmp_path], jobs=0)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"z": [0.1]}, InputError, "needs 2 numbers"),
        ({"z": [0, 0], "random": 2}, InputError, r"give either z \(one latent point\) or random"),
        ({"random": 0}, InputError, "at least 1"),
        ({"tempo": 0}, InputError, "tempo must be between 4 and 1000 bpm"),
        ({"z": [float("nan"), 0]}, InputError, "z needs finite numbers"),
        ({"density": float("inf")}, InputError, "density must be a finite number >= 0"),
        ({"seed": -1}, InputError, "seed must be >= 0"),
        ({"grid_offset": "1"}, InputError, "grid_offset must be a number, got '1'"),
        ({"densty": 1.0}, InputError, r"unknown generation option 'densty' \(did you mean 'density'\?\)"),
        ({"xyz": 1}, InputError, r"unknown generation option 'xyz'; options are density, "),
    ],
)
def test_bad_generation_arguments_are_input_errors(trained, kwargs, error, message):
    with pytest.raises(error, match=message):
        mvae_core.generate(trained.path, **kwargs)


def test_several_points_into_one_midi_file_is_refused(trained, tmp_path):
    with pytest.raises(InputError, match=r"three.mid names one MIDI file but 3 points"):
        mvae_core.generate(trained.path, random=3).write(tmp_path / "three.mid")
    assert not (tmp_path / "three.mid").exists()


def test_generated_file_names_sort_in_order_past_999_points(trained, tmp_path):
    """``--random 1001`` named its files 000…1000, and ``1000_…`` sorted before ``100_…`` in a DAW's browser."""
    files = mvae_core.generate(trained.path, random=1001).write(tmp_path / "many")
    assert [f.name[:5] for f in (files[0], files[999], files[1000])] == ["0000_", "0999_", "1000_"]
    assert sorted(f.name for f in files) == [f.name for f in files]


def test_evaluate_names_a_missing_path(trained, tmp_path):
    with pytest.raises(DataError, match="no such file or folder"):
        mvae_core.evaluate(trained.path, [tmp_path / "nope"])


def test_importing_mvae_core_stays_light():
    light = "import sys, mvae_core; assert callable(mvae_core.hookimpl); sys.exit('torch' in sys.modules)"
    heavy = "import sys, mvae_core; mvae_core.train; sys.exit('torch' not in sys.modules)"
    without_torch, with_torch = run_together([sys.executable, "-c", light], [sys.executable, "-c", heavy])
    assert without_torch.returncode == 0, without_torch.stderr
    assert with_torch.returncode == 0, with_torch.stderr


def test_every_api_name_is_importable():
    for name in mvae_core.__all__:
        assert getattr(mvae_core, name) is not None, name
    with pytest.raises(AttributeError, match="no attribute 'trian'"):
        mvae_core.trian  # noqa: B018


def test_a_run_whose_plugin_package_is_gone_says_how_to_continue(trained, tmp_path):
    import shutil

    run = shutil.copytree(trained.path, tmp_path / "copy")
    config = (run / "config.toml").read_text(encoding="utf-8")
    (run / "config.toml").write_text(config.replace('"kl_anneal",', '"gone_plugin",'), encoding="utf-8")
    with pytest.raises(ResumeRefused, match=r"plugin 'gone_plugin' \(version unknown\), which is not installed here"):
        mvae_core.train(out=run, resume=True, plugins=[StepCounter()], progress=False)


class KlAnneal:
    """A notebook's own plugin, whose class name gives it the name of the built-in kl_anneal."""

    @hookimpl
    def mvae_loss_weights(self, epoch):
        return {"onset": 0.5}


def test_a_plugin_object_named_like_a_registered_plugin_is_refused(synth_dir, tmp_path):
    message = (
        r"plugin 'kl_anneal' from object tests.test_api:KlAnneal has the name of a built-in plugin; give the object "
        r"another name with a \(name, object\) pair"
    )
    with pytest.raises(PluginError, match=message):
        train(synth_dir, tmp_path / "run", plugins=[KlAnneal()], epochs=1)
    with pytest.raises(PluginError, match=message):
        train(synth_dir, tmp_path / "run", plugins=[("kl_anneal", KlAnneal())], epochs=1)
    with pytest.raises(ConfigError, match=r"'kl_anneal' is named twice"):  # the name, and an object of that name
        train(synth_dir, tmp_path / "run", plugins=["kl_anneal", KlAnneal()], epochs=1)
    assert not (tmp_path / "run").exists()
    result = train(synth_dir, tmp_path / "run", plugins=["kl_anneal", ("my_kl", KlAnneal())], epochs=1)
    weights = result.metrics()[0]["weights"]
    assert (weights["kl"], weights["onset"]) == (0.0, 0.5)  # the built-in's first KL multiplier, and the object's


def test_a_run_trained_with_an_object_under_a_registered_name_is_not_resumed_with_the_registered_plugin(
    trained, tmp_path
):
    """A run written before such names were refused: its provenance says the plugin was an object."""
    import shutil

    run = shutil.copytree(trained.path, tmp_path / "copy")
    config = (run / "config.toml").read_text(encoding="utf-8")
    version = tomllib.loads(config)["provenance"]["versions"]["kl_anneal"]
    config = config.replace(f'kl_anneal = "{version}"', 'kl_anneal = "object __main__:KlAnneal"')
    (run / "config.toml").write_text(config, encoding="utf-8")
    with pytest.raises(ResumeRefused, match=r"plugin 'kl_anneal', a Python object \(__main__:KlAnneal\)"):
        mvae_core.train(out=run, resume=True, epochs=3, plugins=[StepCounter()], progress=False)


def test_a_script_without_a_main_guard_can_train_with_parse_workers(tmp_path):
    """Spawned parse workers do not re-run the caller's script (which would train again in every worker)."""
    melody_folder(tmp_path / "data", n_files=34, n_loops=2, seed=2)  # >= 32 files: parsed by worker processes
    script = tmp_path / "train_it.py"
    script.write_text(
        "import mvae_core\n"
        "print('script body ran')\n"
        "overrides = {'model.hidden': 16, 'model.melody_rnn.rnn_hidden': 16, 'train.batch_size': 16,\n"
        "             'data.transpositions': [], 'data.cache_dir': 'none'}\n"
        "mvae_core.train(data=['data'], out='run', overrides=overrides, plugins=[], epochs=1, jobs=2, progress=False)\n",
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("script body ran") == 1
    assert len((tmp_path / "run" / "metrics.jsonl").read_text().splitlines()) == 1


class ForgotTheMarker:
    """A notebook's plugin whose hook method lacks @hookimpl: pluggy registers it and never calls it."""

    def mvae_epoch_end(self, trainer):
        trainer.record("seen", 1)


def test_a_plugin_object_whose_hook_lacks_hookimpl_is_an_error_not_a_silent_no_op(synth_dir, tmp_path):
    # before, the run trained as if the plugin were not there, and nothing said why its numbers were missing
    with pytest.raises(PluginError) as error:
        train(synth_dir, tmp_path / "run", plugins=[ForgotTheMarker()], epochs=1)
    assert str(error.value) == (
        "plugin 'forgot_the_marker' has an invalid hook: mvae_epoch_end is not marked @hookimpl, so mvae would never "
        "call it; decorate it with mvae_core.hookimpl (from mvae_core import hookimpl; docs/hooks.md)"
    )

    class Fixed:
        @hookimpl
        def mvae_epoch_end(self, trainer):
            trainer.record("seen", 1)

    result = train(synth_dir, tmp_path / "run", plugins=[("forgot_the_marker", Fixed())], epochs=1)  # the same run
    assert result.metrics()[0]["plugins"] == {"forgot_the_marker": {"seen": 1}}


def test_training_in_progress_and_model_error_are_exported():
    from mvae_core import ModelError, TrainingInProgress
    from mvae_core.models import ModelError as defined_error
    from mvae_core.trainer import TrainingInProgress as defined_in_progress

    assert TrainingInProgress is defined_in_progress and ModelError is defined_error
    assert {"TrainingInProgress", "ModelError"} <= set(mvae_core.__all__)
    assert issubclass(TrainingInProgress, mvae_core.MvaeError) and issubclass(ModelError, mvae_core.MvaeError)


@pytest.mark.parametrize("data", [123, [1], ("x", None), {"solos": "x"}])
def test_data_that_is_not_paths_is_refused_naming_data(data, tmp_path):
    """``data=123`` ended in a TypeError from inside mvae ("'int' object is not iterable")."""
    with pytest.raises(OptionError, match=r"^data takes a path or a list of paths \(str or pathlib.Path\), got "):
        mvae_core.train(data=data, out=tmp_path / "run", progress=False)
    assert not (tmp_path / "run").exists()


def test_evaluating_on_files_the_run_trained_on_says_so(trained, synth_dir, tmp_path, wide_console):
    """Scoring a run on its own training files gave numbers that looked held-out, without a word."""
    import json as json_module
    import shutil
    import warnings

    from typer.testing import CliRunner

    from mvae_core.api import TrainedOnWarning
    from mvae_core.cli import app

    split = json_module.loads((trained.path / "split.json").read_text())
    trained_file, held_file = split["train"][0], split["validation"][0]
    copied = shutil.copy(trained_file, tmp_path / "renamed.mid")  # the same content elsewhere is the same file
    trained_on = r"^1 of the 2 evaluated files \(\d+ of \d+ loops, \d+%\) is a file .* trained on, or a copy with the "
    with pytest.warns(TrainedOnWarning, match=trained_on + r"same notes \(.*renamed.mid\)"):
        result = mvae_core.evaluate(trained, [copied, held_file], samples=8)
    assert result["trained_on"] == [str(copied)]
    with warnings.catch_warnings():
        warnings.simplefilter("error", TrainedOnWarning)
        assert mvae_core.evaluate(trained, held_file, samples=8)["trained_on"] == []  # held out: no warning
    done = CliRunner().invoke(app, ["evaluate", str(trained.path), str(copied), "--samples", "8", "--json"])
    assert done.exit_code == 0 and json.loads(done.stdout)["trained_on"] == [str(copied)]  # stdout: the JSON alone
    assert done.stderr.startswith("warning: the evaluated file is a file") and "not held-out" in done.stderr


def test_a_copy_of_a_training_file_in_other_bytes_counts_as_trained_on_too(trained, tmp_path):
    """A re-saved copy of a training file (or one transposed, at another tempo) was scored as held out without a
    word: only the same bytes counted. The run's data_report.json keeps each source's music digest."""
    import json as json_module

    import pretty_midi

    from mvae_core.api import TrainedOnWarning

    split = json_module.loads((trained.path / "split.json").read_text())
    midi = pretty_midi.PrettyMIDI(split["train"][0])
    for note in midi.instruments[0].notes:
        note.pitch += 2  # a tone higher: other bytes, other pitches, the same tune
    midi.write(str(copy := tmp_path / "a tone higher.mid"))
    with pytest.warns(TrainedOnWarning, match=r"^1 of the 2 evaluated files \(4 of 8 loops, 50%\) is a file .* trained "
                      r"on, or a copy with the same notes \(.*a tone higher\.mid\)"):  # fmt: skip
        result = mvae_core.evaluate(trained, [copy, split["validation"][0]], samples=8)
    assert result["trained_on"] == [str(copy)]


def test_a_run_without_digests_says_it_cannot_tell_whether_evaluated_files_trained_it(tiny_run, tmp_path):
    """A run from before split.json kept digests was evaluated on its own training files without a word."""
    import json as json_module
    import shutil

    from mvae_core.api import TrainedOnWarning

    run = shutil.copytree(tiny_run, tmp_path / "run")
    split = json_module.loads((run / "split.json").read_text())
    (run / "split.json").write_text(json_module.dumps({"train": split["train"], "validation": split["validation"]}))
    with pytest.warns(TrainedOnWarning, match=r"kept no digests of its training files .* make sure they are held out"):
        result = mvae_core.evaluate(run, split["train"][0], samples=8)
    assert result["trained_on"] is None
