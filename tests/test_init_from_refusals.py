"""What a run started from another's weights (``--init-from``) cannot take is refused before any data is read, with
exit 2 and one ``error:`` line on stderr that names the source and what to do: another model, settings that change a
tensor's shape (each with the source's value and the new one) or the meaning of the pitch rows, a source that is
missing, damaged or no run, and ``--init-from`` with ``--resume``. Settings that leave the weights' shapes as they are
may change."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

import mvae_core
from mvae_core import hookimpl
from mvae_core.cli import app
from mvae_core.errors import ConfigError, ResumeRefused

runner = CliRunner()


def _refused(tmp_path: Path, source: Path | str, *options: str, data: Path | None = None) -> str:
    """``mvae train`` from ``source`` with ``options``: its stderr, checked to be one error line (exit 2) and to have
    left no run behind."""
    out = tmp_path / "new"
    args = ["train", *([str(data)] if data else []), "--init-from", str(source), "--out", str(out), *options]
    result = runner.invoke(app, args, env={"NO_COLOR": "1"})
    said = " ".join(result.stderr.split())
    assert result.exit_code == 2 and said.count("error:") == 1 and result.stdout == "", (result.exit_code, said)
    assert not out.exists()
    return said


def test_another_model_is_refused(tiny_run, synth_dir, tmp_path):
    said = _refused(tmp_path, tiny_run, "--set", 'model.name="seed"', data=synth_dir)
    assert said.startswith(
        f"error: --init-from {tiny_run}: its model is 'melody_rnn' and this run's [model] name is 'seed'; weights load "
        "only into the model that trained them: leave them out (a run started from weights takes the source's model "
        "settings), or train from scratch"
    ), said


def test_settings_that_change_a_shape_are_named_with_both_values_and_free_ones_are_not(tiny_run, synth_dir, tmp_path):
    said = _refused(tmp_path, tiny_run, "--set", "model.hidden=48", "--set", "model.dropout=0.1", data=synth_dir)
    assert said == (
        f"error: --init-from {tiny_run}: this run's settings do not fit its weights: model.hidden 32 → 48 (tensors of "
        "other shapes); leave them out (a run started from weights takes the source's model settings), or train from "
        "scratch"
    )
    assert "dropout" not in said  # it changes no shape: a fine-tuning may change it
    said = _refused(tmp_path, tiny_run, "--set", "data.pitch_classes=36", "--set", "model.melody_rnn.embedding=4")
    assert ": data.pitch_classes 24 → 36, model.melody_rnn.embedding 8 → 4 (tensors of other shapes); " in said


def test_another_lowest_pitch_row_is_refused_though_every_shape_fits(tiny_run, synth_dir, tmp_path):
    said = _refused(tmp_path, tiny_run, "--set", "data.pitch_low=36", data=synth_dir)
    assert "do not fit its weights: data.pitch_low 48 → 36 (another pitch in each row); leave them out" in said, said
    said = _refused(tmp_path, tiny_run, "--set", "data.max_duration_steps=8", "--set", "model.hidden=48")
    assert (
        "do not fit its weights: model.hidden 32 → 48 (tensors of other shapes); data.max_duration_steps 16.0 → 8.0 "
        "(another length for each duration); leave them out"
    ) in said, said


def test_a_source_that_is_missing_damaged_or_no_run_is_named(tiny_run, tmp_path):
    missing = tmp_path / "no-such-run"
    said = _refused(tmp_path, missing)
    assert said == (
        f"error: --init-from {missing}: no such file or folder; give a trained run's folder (or its model.safetensors "
        "or checkpoint.pt)"
    )
    said = _refused(tmp_path, tiny_run / "config.toml")
    assert said.startswith(f"error: --init-from {tiny_run / 'config.toml'}: neither a run folder nor a model file;")
    not_a_run = tmp_path / "midi"
    not_a_run.mkdir()
    said = _refused(tmp_path, not_a_run)
    assert said.startswith(f"error: --init-from {not_a_run}: {not_a_run} is not a run: no config.toml there;"), said
    damaged = Path(shutil.copytree(tiny_run, tmp_path / "damaged"))
    model = damaged / "model.safetensors"
    model.write_bytes(model.read_bytes()[:100])
    said = _refused(tmp_path, damaged)
    assert said.startswith(f"error: --init-from {damaged}: {model} is truncated or corrupt"), said
    (damaged / "checkpoint.pt").write_bytes(b"not a checkpoint")
    said = _refused(tmp_path, damaged / "checkpoint.pt")
    checkpoint = damaged / "checkpoint.pt"
    said_damaged = (
        f"error: --init-from {checkpoint}: {checkpoint} is not a checkpoint torch.save wrote (truncated or corrupt?)"
    )
    assert said.startswith(said_damaged), said  # no zip: damaged bytes, not a crafted file
    assert said.endswith("; give the run's model.safetensors (its best model), or restore the file"), said


def test_init_from_with_a_resume_is_refused_naming_the_new_run_to_start(tiny_run, tmp_path):
    run = Path(shutil.copytree(tiny_run, tmp_path / "run"))
    result = runner.invoke(app, ["train", "--resume", str(run), "--init-from", str(tiny_run)], env={"NO_COLOR": "1"})
    assert result.exit_code == 2
    assert " ".join(result.stderr.split()) == (
        f"error: --resume continues {run} from its own checkpoint; --init-from {tiny_run} starts a new run from those "
        "weights: give it with --out NEW_RUN instead of --resume"
    )
    with pytest.raises(ResumeRefused, match=r"init_from=.* starts a new run from those weights: give it another out"):
        mvae_core.train(out=run, resume=True, init_from=tiny_run, progress=False)


def test_the_python_call_raises_the_same_refusal_naming_init_from(tiny_run, synth_dir, tmp_path):
    with pytest.raises(ConfigError) as refused:
        mvae_core.train([synth_dir], tmp_path / "new", overrides={"model.latent_dim": 3}, init_from=tiny_run)
    assert str(refused.value).startswith(
        f"init_from {tiny_run}: this run's settings do not fit its weights: model.latent_dim 2 → 3 (tensors of other "
        "shapes); "
    )
    assert not (tmp_path / "new").exists()


def test_a_run_folder_given_as_data_names_init_from_for_training_its_weights_on_other_files(tiny_run, tmp_path):
    """``mvae train RUN MY_MIDI``: a musician who means "my files, from this model" was told of ``--resume`` only."""
    result = runner.invoke(app, ["train", str(tiny_run), "--out", str(tmp_path / "new")], env={"NO_COLOR": "1"})
    said = " ".join(result.stderr.split())
    assert result.exit_code == 2
    assert (
        "; to train its weights on other MIDI files, start a new run from them: mvae train DATA --init-from "
        f"{tiny_run} --out NEW_RUN; " in said
    ), said
    with pytest.raises(mvae_core.InputError, match=r"start a new run from them: mvae_core\.train\(data=DATA, init_"):
        mvae_core.train(data=[tiny_run], out=tmp_path / "new", progress=False)


def test_init_from_takes_the_result_of_a_training_and_refuses_what_is_no_path(tiny_run, synth_dir, tmp_path):
    first = mvae_core.train([synth_dir], tmp_path / "first", overrides=["model.hidden=16"], plugins=[], epochs=1,
                            progress=False)  # fmt: skip
    tuned = mvae_core.train([synth_dir], tmp_path / "tuned", plugins=[], epochs=1, init_from=first, progress=False)
    assert mvae_core.load(tuned).config.model.hidden == 16
    with pytest.raises(mvae_core.InputError, match=r"^init_from is a trained run's folder or its model file .*got 3$"):
        mvae_core.train([synth_dir], tmp_path / "new", init_from=3)


def test_a_new_run_into_a_run_a_plugin_stopped_names_a_new_run_from_its_weights(synth_dir, tmp_path):
    """A run early stopping ended cannot be resumed; to train its weights further, a new run starts from them."""
    run = tmp_path / "run"
    mvae_core.train([synth_dir], run, overrides=["model.hidden=16"], plugins=[StopAtOnce()], epochs=3, progress=False)
    result = runner.invoke(app, ["train", str(synth_dir), "--out", str(run)], env={"NO_COLOR": "1"})
    said = " ".join(result.stderr.split())
    assert result.exit_code == 2
    assert said.endswith(
        "a run a plugin stopped is not resumed: choose another output directory, or train its weights further in a new "
        f"run: mvae train DATA --init-from {run} --out NEW_RUN"
    ), said


class StopAtOnce:
    @hookimpl
    def mvae_epoch_end(self, trainer):
        return "enough"


def test_settings_from_a_config_file_are_said_to_come_from_it(tiny_run, synth_dir, tmp_path):
    """``--config`` of another run (another model here): the fix names that file with --set, not only 'leave them out'
    as if the user had set them by hand."""
    other = tmp_path / "other.toml"
    other.write_text('[model]\nname = "seed"\n', encoding="utf-8")
    said = _refused(tmp_path, tiny_run, "--config", str(other), data=synth_dir)
    assert said.endswith(
        f"load only into the model that trained them: leave them out of --config {other} and --set (a run started from "
        "weights takes the source's model settings), or train from scratch"
    ), said
    with pytest.raises(ConfigError, match=f"leave them out of config '{other}' and overrides \\(a run started"):
        mvae_core.train([synth_dir], tmp_path / "new", config=other, init_from=tiny_run, progress=False)


def test_an_mvae_config_is_told_to_be_given_as_a_file_or_a_dict(tiny_run, synth_dir, tmp_path):
    """An ``MvaeConfig`` sets every setting, its model's too: 'leave them out' of it cannot be done."""
    from mvae_core.config import MvaeConfig

    with pytest.raises(ConfigError, match=r"model.hidden 32 → 512 .*; leave them out of overrides and give config as a "
                       r"file or a dict without them \(an MvaeConfig sets every setting; a run started"):  # fmt: skip
        mvae_core.train([synth_dir], tmp_path / "new", config=MvaeConfig(), init_from=tiny_run, progress=False)
