"""The command line, end to end: train → run directory → generate → resume; bad input exits 2 naming the cause."""

from __future__ import annotations

import json
import re
import shlex
import tomllib
from pathlib import Path

import numpy as np
import pretty_midi
import pytest
from typer.testing import CliRunner

from mvae_core.cli import app
from mvae_core.config import DataConfig
from mvae_core.data.load import load_dataset

runner = CliRunner()
SMALL_GRU = ["--set", "model.melody_rnn.rnn_hidden=32", "--set", "model.melody_rnn.embedding=8"]
TINY = ["--set", "model.hidden=32", *SMALL_GRU, "--set", "train.batch_size=16", "--plugins", "none"]


def mvae(*args: str):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def trained_run(synth_dir, tmp_path_factory):
    run = tmp_path_factory.mktemp("cli") / "run"
    result = mvae("train", synth_dir, *TINY, "--epochs", 3, "--out", run, "--seed", 1)
    assert result.exit_code == 0, result.output
    return run


def test_train_writes_the_run_directory(trained_run):
    assert {p.name for p in trained_run.iterdir()} >= {
        "config.toml",
        "data_report.json",
        "metrics.jsonl",
        "checkpoint.pt",
        "model.safetensors",
    }
    config = tomllib.loads((trained_run / "config.toml").read_text())
    assert config["model"]["hidden"] == 32 and config["train"]["seed"] == 1 and config["train"]["epochs"] == 3
    assert config["plugins"]["enabled"] == []
    assert config["provenance"]["versions"]["mvae"]
    report = json.loads((trained_run / "data_report.json").read_text())
    assert report["ok"] == 6 and all(f["status"] == "ok" for f in report["files"])
    assert [json.loads(line)["epoch"] for line in (trained_run / "metrics.jsonl").read_text().splitlines()] == [0, 1, 2]


def test_a_runs_config_toml_is_a_config_for_a_new_run(trained_run, synth_dir, tmp_path):
    """``--config RUN/config.toml`` trains with that run's settings; its [provenance] table is not configuration."""
    again = tmp_path / "again"
    result = mvae("train", synth_dir, "--config", trained_run / "config.toml", "--epochs", 1, "--out", again)
    assert result.exit_code == 0, result.output
    old, new = (tomllib.loads((run / "config.toml").read_text()) for run in (trained_run, again))
    for tree in (old, new):
        del tree["provenance"], tree["train"]["epochs"]
    assert new == old


def test_generate_writes_one_file_per_latent_point(trained_run, tmp_path):
    result = mvae("generate", trained_run, "--random", 3, "--seed", 4, "--out", tmp_path / "samples")
    assert result.exit_code == 0, result.output
    files = sorted((tmp_path / "samples").glob("*.mid"))
    assert len(files) == 3 and all("_z_" in f.name for f in files)
    single = tmp_path / "one.mid"
    assert mvae("generate", trained_run, "--z", "0.5,-1", "--out", single, "--grid-offset", 0).exit_code == 0
    midi = pretty_midi.PrettyMIDI(str(single))
    ticks = [midi.time_to_tick(n.start) for n in midi.instruments[0].notes]
    assert ticks and all(t % (midi.resolution // 4) == 0 for t in ticks)  # grid offset 0: on the 16th grid


def test_resume_extends_a_finished_run(trained_run, tmp_path):
    import shutil

    run = tmp_path / "run"
    shutil.copytree(trained_run, run)
    result = mvae("train", "--resume", run, "--epochs", 5)
    assert result.exit_code == 0, result.output
    epochs = [json.loads(line)["epoch"] for line in (run / "metrics.jsonl").read_text().splitlines()]
    assert epochs == [0, 1, 2, 3, 4]
    assert tomllib.loads((run / "config.toml").read_text())["train"]["epochs"] == 5  # kept for the next resume
    result = mvae("train", "--resume", run)
    assert result.exit_code == 0 and "has finished its 5 epochs" in result.output


def test_resume_refuses_fewer_epochs_than_the_run_has_done(trained_run, tmp_path):
    """3 epochs done, --epochs 2: refused before config.toml is touched (it was saved as 2 and the run then said it
    'has finished its 2 epochs', and so on for every later resume)."""
    import shutil

    run = tmp_path / "run"
    shutil.copytree(trained_run, run)
    result = mvae("train", "--resume", run, "--epochs", 2)
    assert result.exit_code == 2, result.output
    assert "error: --epochs 2 is fewer than the 3 epochs" in result.output and "give 4 or more" in result.output
    assert tomllib.loads((run / "config.toml").read_text())["train"]["epochs"] == 3
    result = mvae("train", "--resume", run, "--epochs", 3)  # as many as done: nothing to do, and it says so
    assert result.exit_code == 0 and "has finished its 3 epochs" in result.output, result.output


def test_an_existing_run_is_not_overwritten(trained_run):
    result = mvae("train", "whatever", "--out", trained_run)
    assert result.exit_code == 2 and "--resume" in result.output


@pytest.mark.parametrize(
    "args,expected",
    [
        (["--set", "train.batch_size=-3"], "train.batch_size = -3"),
        (["--set", "model.dropout=1.5"], "model.dropout = 1.5"),
        (["--set", "loss.mask=some"], "loss.mask = 'some'"),
        (["--set", "train.epoch=3"], "train.epoch"),
        (["--set", "loss.coefficients.klx=1"], "unknown loss term ['klx']"),
        (["--plugins", "kl_anneel"], "unknown plugin 'kl_anneel'; did you mean 'kl_anneal'?"),
        (["--set", "oops"], "--set expects dotted.key=value"),
    ],
)
def test_bad_config_exits_2_naming_the_field(synth_dir, tmp_path, args, expected):
    result = mvae("train", synth_dir, "--out", tmp_path / "run", *args)
    assert result.exit_code == 2
    assert expected in " ".join(result.output.split()), result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "run").exists()


def test_bad_toml_file_exits_2(synth_dir, tmp_path):
    config = tmp_path / "bad.toml"
    config.write_text("[train]\nepochs = 'many'\n")
    result = mvae("train", synth_dir, "--config", config, "--out", tmp_path / "run")
    assert result.exit_code == 2 and "train.epochs" in result.output


def test_too_few_loops_exits_2_instead_of_training_on_nothing(tmp_path):
    """Ancestor D1: fewer loops than a batch trained nothing and reported NaN as a loss."""
    from tests.synth import melody_folder

    folder = melody_folder(tmp_path / "one", n_files=1, n_loops=1)
    result = mvae("train", folder, *TINY, "--out", tmp_path / "run")
    assert result.exit_code == 2
    assert "1 loop with >= min_onsets notes" in " ".join(result.output.split())


def test_interrupt_exits_130_and_the_run_resumes(synth_dir, tmp_path, monkeypatch):
    from mvae_core.trainer import Trainer

    original = Trainer.checkpoint_payload

    def interrupt_after_epoch_1(self, epoch):
        if epoch == 1:
            raise KeyboardInterrupt
        return original(self, epoch)

    monkeypatch.setattr(Trainer, "checkpoint_payload", interrupt_after_epoch_1)
    run = tmp_path / "run"
    result = mvae("train", synth_dir, *TINY, "--epochs", 3, "--out", run)
    assert result.exit_code == 130 and "--resume" in result.output
    monkeypatch.undo()
    result = mvae("train", "--resume", run)
    assert result.exit_code == 0, result.output
    epochs = [json.loads(line)["epoch"] for line in (run / "metrics.jsonl").read_text().splitlines()]
    assert epochs == [0, 1, 2]  # the line of the unsaved epoch 1 was replaced, not duplicated


@pytest.mark.slow
def test_generated_density_matches_the_training_data(tmp_path):
    """Generated loops carry the data's note density (±30 %) by default, from random latent points."""
    from tests.synth import melody_folder

    folder = melody_folder(tmp_path / "data", n_files=12, n_loops=8, seed=3)
    run = tmp_path / "run"
    args = ["--set", "model.hidden=64", *SMALL_GRU, "--set", "train.batch_size=32", "--plugins", "none", "--epochs", 25]
    assert mvae("train", folder, *args, "--out", run).exit_code == 0
    assert mvae("generate", run, "--random", 64, "--out", tmp_path / "gen").exit_code == 0
    generated = [len(pretty_midi.PrettyMIDI(str(p)).instruments[0].notes) for p in (tmp_path / "gen").glob("*.mid")]
    table, _ = load_dataset([str(folder)], DataConfig())
    data_density = table.notes_per_loop().mean()
    assert abs(np.mean(generated) / data_density - 1) <= 0.3, (np.mean(generated), data_density)


def test_resume_refuses_options_that_would_change_the_run(trained_run):
    result = mvae("train", "--resume", trained_run, "--seed", 3, "--set", "train.lr=0.1")
    assert result.exit_code == 2
    said = " ".join(result.output.split())
    assert (
        "--set, --seed cannot change it (train.lr 0.001 → 0.1, train.seed 1 → 3); to train with other settings, "
        f"start a new run from its config and trained weights (mvae train DATA --config {trained_run / 'config.toml'} "
        f"--set train.lr=0.1 --seed 3 --init-from {trained_run} --out NEW_RUN)" in said  # options as given: it runs
    )
    result = mvae("train", "--resume", trained_run, "--plugins", "kl_anneal", "--out", "runs/new")
    assert result.exit_code == 2
    said = " ".join(result.output.split())
    assert (
        f"(mvae train DATA --config {trained_run / 'config.toml'} --plugins kl_anneal --init-from {trained_run} --out "
        "runs/new)" in said
    )


def test_a_run_whose_data_folder_moved_resumes_from_the_place_given(synth_dir, tmp_path):
    """What docs/cli.md#resume shows: the refusal names the way out, and the way out works."""
    import shutil

    data, run = shutil.copytree(synth_dir, tmp_path / "midi"), tmp_path / "run"
    assert mvae("train", data, *TINY, "--epochs", 1, "--out", run).exit_code == 0
    moved = data.rename(tmp_path / "other disk")
    refused = mvae("train", "--resume", run, "--epochs", 2)
    assert refused.exit_code == 2
    assert f"if the data moved, give its new place: mvae train --resume {run} NEW_PLACE" in refused.stderr
    resumed = mvae("train", "--resume", run, moved, "--epochs", 2)
    assert resumed.exit_code == 0, resumed.output
    assert f"the run's data moved ({data} → {moved}); config.toml and split.json now name its new place" in " ".join(
        resumed.stdout.split()
    )


def test_resuming_a_finished_run_says_so_and_trains_nothing(trained_run):
    before = (trained_run / "metrics.jsonl").read_text()
    result = mvae("train", "--resume", trained_run)
    assert result.exit_code == 0 and "has finished its 3 epochs" in result.output
    assert (trained_run / "metrics.jsonl").read_text() == before


def test_resume_refuses_changed_data(synth_dir, tmp_path):
    import shutil

    data = Path(shutil.copytree(synth_dir, tmp_path / "data"))
    run = tmp_path / "run"
    assert mvae("train", data, *TINY, "--epochs", 1, "--out", run).exit_code == 0
    (data / "melody_00.mid").unlink()
    result = mvae("train", "--resume", run, "--epochs", 2)
    assert result.exit_code == 2 and "changed since the run started" in result.output


@pytest.mark.parametrize("count", ["0", "-1"])
def test_generate_random_must_be_positive(trained_run, tmp_path, count):
    result = mvae("generate", trained_run, "--random", count, "--out", tmp_path / "g")
    assert result.exit_code == 2 and "random must be at least 1" in result.stderr


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--z", "nan,1"], "--z needs finite numbers"),
        (["--z", "inf,-inf"], "--z needs finite numbers"),
        (["--z", "0,0", "--random", "2"], "give either --z (one latent point) or --random (a number of random"),
        (["--random", "2", "--noise", "nan"], "--noise must be a finite number >= 0"),
        (["--random", "2", "--noise", "1e999"], "--noise must be a finite number >= 0"),
        (["--random", "2", "--density", "nan"], "--density must be a finite number >= 0"),
        (["--random", "2", "--temperature", "inf"], "--temperature must be a finite number >= 0"),
        (["--random", "2", "--timing-temperature", "nan"], "--timing-temperature must be a finite number >= 0"),
        (["--random", "2", "--grid-offset", "nan"], "--grid-offset must be a finite number >= 0"),
        (["--random", "2", "--tempo", "1"], "--tempo must be between 4 and 1000 bpm"),
        (["--random", "2", "--tempo", "inf"], "--tempo must be between 4 and 1000 bpm"),
        (["--random", "2", "--seed", "-1"], "--seed must be >= 0"),
        (["--random", "2", "--loops", "3", "--walk", "nan"], "--walk must be a finite number >= 0"),
        (["--random", "2", "--threshold-min", "2"], "--threshold-min is an onset probability between 0 and 1"),
        (
            ["--random", "2", "--threshold-min", "0.9", "--threshold-max", "0.1"],
            "--threshold-min must not be above --threshold-max (0.1), got 0.9",
        ),
    ],
)
def test_generate_refuses_numbers_out_of_range_naming_the_option(trained_run, tmp_path, args, expected):
    result = mvae("generate", trained_run, *args, "--out", tmp_path / "g")
    assert result.exit_code == 2 and expected in result.stderr, result.output
    assert "Traceback" not in result.output and not (tmp_path / "g").exists()


def test_evaluate_refuses_a_negative_seed(trained_run, synth_dir):
    result = mvae("evaluate", trained_run, synth_dir, "--seed", "-1")
    assert result.exit_code == 2 and "--seed must be between 0 and" in result.stderr, result.output


def test_more_random_points_keep_the_first_ones(trained_run, tmp_path):
    """Point i of --random N depends on --seed and i only (torch's normal draw depended on N)."""
    names = {}
    for count in (1, 3, 8, 9, 20):
        assert mvae("generate", trained_run, "--random", count, "--out", tmp_path / str(count)).exit_code == 0
        names[count] = sorted(p.name for p in (tmp_path / str(count)).glob("*.mid"))
    for smaller, larger in zip([1, 3, 8, 9], [3, 8, 9, 20], strict=True):
        assert names[larger][:smaller] == names[smaller]


def test_the_cli_module_does_not_import_torch():
    """Parse workers re-import the CLI module (spawn); torch there would cost seconds per worker."""
    import subprocess
    import sys

    code = "import sys, mvae_core.cli; sys.exit('torch' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_run_files_are_as_readable_as_other_files(trained_run):
    import os

    umask = os.umask(0)
    os.umask(umask)
    for name in ("model.safetensors", "checkpoint.pt", "config.toml", "metrics.jsonl"):
        assert (trained_run / name).stat().st_mode & 0o777 == 0o666 & ~umask, name


def test_a_stopped_run_is_not_resumed(synth_dir, tmp_path):
    run = tmp_path / "run"
    stop_on_lr = ["--set", "plugins.early_stopping.monitor=lr", "--set", "plugins.early_stopping.patience=1"]
    args = ["--set", "model.hidden=16", "--set", "train.batch_size=16", "--plugins", "early_stopping", *stop_on_lr]
    result = mvae("train", synth_dir, *args, "--epochs", 10, "--out", run)
    assert result.exit_code == 0 and "stopped:" in result.output, result.output
    before = (run / "metrics.jsonl").read_text()
    result = mvae("train", "--resume", run, "--epochs", 20)
    assert result.exit_code == 0 and "start a new run to train further" in result.output
    assert (run / "metrics.jsonl").read_text() == before


def test_generate_loops_writes_consecutive_loops_named_by_their_start_point(trained_run, tmp_path):
    out = tmp_path / "bars"
    result = mvae("generate", trained_run, "--z", "0.5,-1", "--loops", 3, "--temperature", 0.5, "--out", out)
    assert result.exit_code == 0, result.output
    (file,) = out.glob("*.mid")
    assert file.name == "000_z_+0.50_-1.00.mid"
    midi = pretty_midi.PrettyMIDI(str(file))
    starts = [n.start for n in midi.instruments[0].notes]
    assert max(starts) > 2 * 4.0  # past two 2-bar loops at 120 bpm (4 s each)


def test_evaluate_reports_every_number_on_held_out_data(trained_run, tmp_path):
    from tests.synth import melody_folder

    held_out = melody_folder(tmp_path / "held", n_files=2, n_loops=4, seed=11)
    result = runner.invoke(app, ["evaluate", str(trained_run), str(held_out), "--samples", "32", "--json"])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.output)
    assert scores["loops"] == 8 and scores["notes"] == 8 * 12
    assert set(scores["reconstruction"]) >= {"onset_f1", "origin_onset_f1", "velocity_mae", "timing_mae_ms"}
    timing = scores["timing"]
    assert timing["data_std"] == pytest.approx(0.3, abs=0.1)  # the synthetic offsets' std
    assert timing["spread_ratio"] == pytest.approx(timing["generated_std"] / timing["data_std"])
    assert scores["generated"]["samples"] == 32 and scores["generated"]["notes_per_loop"] > 0
    assert 0 <= scores["generated"]["pitch_class_distance"] <= 1
    assert scores["latent"]["latent_dim"] == 2
    table = runner.invoke(app, ["evaluate", str(trained_run), str(held_out), "--samples", "8"])
    assert table.exit_code == 0 and "wasserstein1" in table.output
    assert "…" not in table.output  # 80 columns, as when piped: headers and names whole
    assert "separation" in table.output and "mean_interval" in table.output


def test_evaluate_says_quantized_and_why_a_gap_is_not_scored(trained_run, tmp_path):
    """Quantized held-out data: the spread ratio was ``n/a``, as was every unscored gap, saying nothing of why."""
    from tests.synth import melody_folder

    held_out = melody_folder(tmp_path / "held", n_files=2, n_loops=4, seed=11, offset_std=0.0)
    scores = json.loads(
        runner.invoke(app, ["evaluate", str(trained_run), str(held_out), "--samples", "8", "--json"]).output
    )
    assert scores["timing"]["spread_ratio"] is None  # not defined: the data has no timing spread
    table = runner.invoke(app, ["evaluate", str(trained_run), str(held_out), "--samples", "8"])
    text = " ".join(table.output.split())
    assert re.search(r"spread_ratio │ 1 │ quantized │", text), text
    assert "'no gap' where random notes in the data's key already lie within 0.2 pooled standard" in text


def test_evaluate_generates_at_the_temperature_asked(trained_run, tmp_path):
    from tests.synth import melody_folder

    held_out = melody_folder(tmp_path / "held", n_files=1, n_loops=4, seed=11)
    base = ["evaluate", str(trained_run), str(held_out), "--samples", "16", "--json"]
    scores = {t: json.loads(runner.invoke(app, [*base, "--temperature", t]).output) for t in ("0", "1")}
    assert [scores[t]["generated"]["temperature"] for t in ("0", "1")] == [0.0, 1.0]
    assert scores["0"]["pitch"] != scores["1"]["pitch"]  # deterministic rows vs drawn ones
    assert scores["0"]["reconstruction"] == scores["1"]["reconstruction"]  # reconstruction is always deterministic
    refused = runner.invoke(app, [*base, "--temperature", "-1"])
    assert refused.exit_code == 2 and "temperature" in refused.output


def test_evaluate_without_loops_exits_2(trained_run, tmp_path):
    (tmp_path / "empty").mkdir()
    result = runner.invoke(app, ["evaluate", str(trained_run), str(tmp_path / "empty")])
    assert result.exit_code == 2 and "no loops to evaluate" in result.output


def test_a_run_path_with_rich_markup_is_printed_literally(synth_dir, tmp_path):
    run = tmp_path / "[red]take[/]"
    result = mvae("train", synth_dir, *TINY, "--epochs", 1, "--out", run)
    assert result.exit_code == 0, result.output
    assert "[red]take[/]" in result.output.replace("\n", "")


def test_resume_without_a_checkpoint_fails_before_reading_data(trained_run, tmp_path):
    copy = tmp_path / "no-checkpoint"
    copy.mkdir()
    (copy / "metrics.jsonl").write_text((trained_run / "metrics.jsonl").read_text())
    result = mvae("train", "--resume", copy)
    assert result.exit_code == 2 and "nothing to resume there (no checkpoint.pt)" in result.output
    assert "data:" not in result.output


def test_errors_go_to_stderr_and_results_to_stdout(trained_run, tmp_path):
    result = mvae("generate", trained_run, "--random", 3, "--out", tmp_path / "three.mid")
    assert result.exit_code == 2
    assert result.stdout == "" and result.stderr.startswith("error: ")
    assert "three.mid names one MIDI file but 3 points were generated; give a folder instead" in result.stderr
    listing = mvae("plugins", "--json")
    assert listing.exit_code == 0 and listing.stderr == "" and json.loads(listing.stdout)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--set", "trian.epochs=3"], "trian: unknown section; did you mean train?"),
        (["--set", "train.epoch=3"], "train.epoch = 3: unknown setting; did you mean train.epochs?"),
        (["--plugins", "KL_ANNEAL"], "unknown plugin 'KL_ANNEAL'; did you mean 'kl_anneal'?"),
        (["--set", "plugins.lr_step_decay.evry=3"], "evry = 3: unknown setting; valid here: per_step, schedule"),
        (["--set", "plugins.kl_anneal.per_stp=true"], "did you mean plugins.kl_anneal.per_step?"),
        (["--set", "data.min_bpm=2000"], "data: min_bpm must be below max_bpm"),
    ],
)
def test_typos_suggest_the_name_meant(synth_dir, tmp_path, args, expected):
    result = mvae("train", synth_dir, *args, "--out", tmp_path / "run")
    assert result.exit_code == 2
    assert expected in " ".join(result.stderr.split()) and "Value error" not in result.stderr
    assert not (tmp_path / "run").exists()


def test_plugin_names_may_have_spaces_after_the_commas(synth_dir, tmp_path):
    args = ["--set", "model.hidden=16", "--set", "train.batch_size=16", "--epochs", 1]
    result = mvae("train", synth_dir, *args, "--plugins", "kl_anneal, ts_ramp", "--out", tmp_path / "run")
    assert result.exit_code == 0, result.output
    assert "plugins: kl_anneal, ts_ramp ·" in result.stdout


def test_a_missing_data_folder_is_named_before_anything_is_written(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = mvae("train", "mydata", "--out", "run")
    assert result.exit_code == 2
    assert "DATA mydata: no such file or folder" in result.stderr and "data:" not in result.stdout
    assert not (tmp_path / "run").exists()


def test_resume_from_elsewhere_says_where_it_continues_in_one_line(trained_run, tmp_path, monkeypatch):
    import shutil

    run = shutil.copytree(trained_run, tmp_path / "copy")
    monkeypatch.chdir(tmp_path)
    result = mvae("train", "--resume", run, "--epochs", 4)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"resumed {run} at epoch 4, step 1 (of 4 epochs")
    assert "sources used" not in result.stdout  # no second data table


def test_encode_names_a_folder_and_suggests_a_file(trained_run, synth_dir):
    result = mvae("encode", trained_run, synth_dir)
    assert result.exit_code == 2
    said = " ".join(result.stderr.split())
    assert f"{synth_dir} is a folder (6 MIDI files in it); encode takes one MIDI file" in said
    # the example names the run the user gave, ready to run, not a RUN placeholder
    assert f"e.g. mvae encode {shlex.quote(str(trained_run))} {shlex.quote(str(synth_dir))}/" in said


def command_paths(command, path: tuple[str, ...] = ()):
    """Every command of the CLI as (its words, its click command), groups included."""
    yield path, command
    for name, sub in getattr(command, "commands", {}).items():
        yield from command_paths(sub, (*path, name))


def test_every_bracketed_word_of_the_help_reaches_the_screen(monkeypatch):
    # Help is rendered as rich markup, where "[model]" is a style tag that vanishes unless escaped as "\[model]".
    from typer import rich_utils
    from typer.main import get_command

    monkeypatch.setattr(rich_utils, "MAX_WIDTH", 1000)  # no wrapping inside a bracketed term
    checked = 0
    for path, command in command_paths(get_command(app)):
        shown = " ".join(mvae(*path, "--help").output.split())
        for text in [command.help or "", *(getattr(param, "help", None) or "" for param in command.params)]:
            for term in re.findall(r"\[[^\]]*\]", text.replace("\\[", "[")):
                assert " ".join(term.split()) in shown, f"mvae {' '.join(path)} --help lost {term!r}"
                checked += 1
    assert checked >= 2  # the test sees bracketed terms at all


@pytest.mark.parametrize("command", ["train", "data inspect"])
def test_jobs_below_1_is_refused_naming_the_option(synth_dir, tmp_path, command):
    out = ["--out", tmp_path / "run"] if command == "train" else []
    result = mvae(*command.split(), synth_dir, "--jobs", "0", *out)
    assert result.exit_code == 2 and "--jobs must be at least 1, got 0" in result.stderr, result.output
    assert not (tmp_path / "run").exists()
