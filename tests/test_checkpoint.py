"""Checkpoints are written atomically and loaded without executing code."""

from __future__ import annotations

import os
import pickle
import shutil
import warnings

import pytest
import torch

from mvae_core.checkpoint import (
    CheckpointError,
    load_checkpoint,
    load_model_file,
    model_metadata,
    save_checkpoint,
    save_model,
)
from mvae_core.files import atomic_write

MARKER = "mvae-test-code-was-executed"


class _Exploit:
    def __reduce__(self):
        return (exec, (f"import os; os.environ[{MARKER!r}] = 'yes'",))


def test_the_exploit_really_runs_code_when_unpickled(monkeypatch):
    monkeypatch.delenv(MARKER, raising=False)
    pickle.loads(pickle.dumps(_Exploit()))
    assert os.environ.get(MARKER) == "yes"


class _SystemCall:
    def __reduce__(self):
        return (os.system, ("true",))


@pytest.mark.parametrize(
    "exploit,reason",
    [
        (_Exploit, "(Unsupported global: GLOBAL exec was not an allowed global by default)"),
        (_SystemCall, "(Trying to load unsupported GLOBAL posix.system whose module posix is blocked.)"),
    ],
)
def test_a_crafted_pickle_checkpoint_is_refused_saying_what_it_asked_for(tmp_path, monkeypatch, exploit, reason):
    """The refusal names what the file asked for, never torch's advice to load it with weights_only=False (it
    showed that advice, or the line pointing to torch's documentation)."""
    monkeypatch.delenv(MARKER, raising=False)
    path = tmp_path / "checkpoint.pt"
    torch.save({"model": {}, "payload": exploit()}, path)
    with pytest.raises(CheckpointError, match="not plain data; refusing") as refused:
        load_checkpoint(path)
    assert MARKER not in os.environ
    assert f"refusing to load it {reason}; the run cannot be resumed" in str(refused.value)
    assert "weights_only" not in str(refused.value) and "add_safe_globals" not in str(refused.value)


def test_a_raw_pickle_file_is_refused(tmp_path, monkeypatch):
    monkeypatch.delenv(MARKER, raising=False)
    path = tmp_path / "checkpoint.pt"
    path.write_bytes(pickle.dumps({"model": _Exploit()}))
    with pytest.raises(CheckpointError), warnings.catch_warnings(record=True) as warned:
        warnings.simplefilter("always")
        load_checkpoint(path)
    assert MARKER not in os.environ
    assert not warned, "the refusal is the whole message: torch's own warnings about the file are not shown"


def test_round_trip_and_truncation(tmp_path):
    path = tmp_path / "checkpoint.pt"
    payload = {"model": {"w": torch.arange(1000.0)}, "epoch": 3, "plugins": {"p": {"best": 1.5, "wait": 2}}}
    save_checkpoint(path, payload)
    loaded = load_checkpoint(path)
    assert loaded["epoch"] == 3 and loaded["plugins"] == payload["plugins"]
    assert torch.equal(loaded["model"]["w"], payload["model"]["w"])
    path.write_bytes(path.read_bytes()[:200])
    with pytest.raises(CheckpointError, match="truncated or corrupt"):
        load_checkpoint(path)
    with pytest.raises(CheckpointError, match="no checkpoint"):
        load_checkpoint(tmp_path / "missing.pt")


def test_corrupt_model_file_gives_a_clear_error(tmp_path):
    path = tmp_path / "model.safetensors"
    path.write_bytes(b"\x00\x01garbage")
    with pytest.raises(CheckpointError, match=r"model\.safetensors is truncated or corrupt"):
        load_model_file(path)


def test_atomic_write_leaves_the_old_file_when_writing_fails(tmp_path):
    path = tmp_path / "file.txt"
    path.write_text("old")

    def failing(tmp):
        tmp.write_text("half")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        atomic_write(path, failing)
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["file.txt"]  # no temporary file left behind


@pytest.fixture
def one_epoch_run(synth_dir, tmp_path):
    from typer.testing import CliRunner

    from mvae_core.cli import app

    run = tmp_path / "run"
    args = [
        "train",
        str(synth_dir),
        "--set",
        "model.hidden=16",
        "--plugins",
        "none",
        "--epochs",
        "1",
        "--out",
        str(run),
    ]
    assert CliRunner().invoke(app, args, catch_exceptions=False).exit_code == 0
    return run


@pytest.mark.parametrize(
    "damage,expected",
    [
        (lambda data: data[: len(data) // 2], "is truncated or corrupt"),
        (lambda data: data[:140] + bytes(200) + data[340:], "(its entry archive/data.pkl fails its CRC-32 check)"),
        (lambda data: None, "lacks optimizer"),
    ],
    ids=["truncated", "overwritten", "incomplete"],
)
def test_resume_from_a_damaged_checkpoint_exits_2_naming_the_file(one_epoch_run, damage, expected):
    from typer.testing import CliRunner

    from mvae_core.cli import app

    path = one_epoch_run / "checkpoint.pt"
    damaged = damage(path.read_bytes())
    if damaged is None:  # a readable checkpoint that lacks what a resume needs
        payload = torch.load(path, weights_only=True)
        del payload["optimizer"]
        torch.save(payload, path)
    else:
        path.write_bytes(damaged)
    result = CliRunner().invoke(app, ["train", "--resume", str(one_epoch_run), "--epochs", "2"])
    output = " ".join(result.output.split())
    assert result.exit_code == 2, output
    assert f"error: {path} " in output and expected in output
    assert "restore the file from a backup, or start a new run" in output and "weights_only" not in output
    assert "Traceback" not in output and result.output.count("error:") == 1


def test_a_checkpoint_with_differently_laid_out_layers_resumes_as_if_written_by_this_version(one_epoch_run, tmp_path):
    """As one written before the encoder's four input branches became one table: the weights are converted as they
    load, and Adam's moments with them, so the resumed run continues exactly as from today's layout."""
    from typer.testing import CliRunner

    from mvae_core.cli import app
    from tests.legacy import per_branch_encoder, per_branch_optimizer

    old_run = tmp_path / "old-layout"
    shutil.copytree(one_epoch_run, old_run)
    payload = torch.load(old_run / "checkpoint.pt", weights_only=True)
    payload["optimizer"] = per_branch_optimizer(payload["optimizer"], payload["model"])
    payload["model"] = per_branch_encoder(payload["model"])
    assert (
        len(payload["optimizer"]["param_groups"][0]["params"]) > 12
        and "encoder.branches.3.0.weight" in payload["model"]
    )
    torch.save(payload, old_run / "checkpoint.pt")
    for run in (one_epoch_run, old_run):
        result = CliRunner().invoke(app, ["train", "--resume", str(run), "--epochs", "3"])
        assert result.exit_code == 0, result.output
    today, old = (torch.load(run / "checkpoint.pt", weights_only=True) for run in (one_epoch_run, old_run))
    assert today["epoch"] == old["epoch"] == 2
    for name, value in today["model"].items():
        assert torch.equal(value, old["model"][name]), name
    for index, state in today["optimizer"]["state"].items():
        assert all(torch.equal(value, old["optimizer"]["state"][index][key]) for key, value in state.items())


def test_resume_of_a_checkpoint_whose_optimizer_state_fits_no_layout_exits_2_naming_the_file(one_epoch_run):
    from typer.testing import CliRunner

    from mvae_core.cli import app
    from tests.legacy import per_branch_encoder

    path = one_epoch_run / "checkpoint.pt"
    payload = torch.load(path, weights_only=True)
    payload["model"] = per_branch_encoder(payload["model"])
    group = payload["optimizer"]["param_groups"][0]
    group["params"] = list(range(len(group["params"]) + 12))  # twelve parameters without a state: no Adam wrote it
    torch.save(payload, path)
    result = CliRunner().invoke(app, ["train", "--resume", str(one_epoch_run), "--epochs", "2"])
    output = " ".join(result.output.split())
    assert result.exit_code == 2, output
    assert f"error: {path}: the checkpoint's optimizer state does not fit this model's parameters" in output
    assert "resume it with the mvae that wrote it, or start a new run" in output and "Traceback" not in output


def test_a_run_without_its_model_file_says_what_to_do_by_what_is_there(tiny_run, tmp_path):
    from mvae_core.run import RunDir

    run = shutil.copytree(tiny_run, tmp_path / "run")
    (run / "model.safetensors").unlink()
    with pytest.raises(CheckpointError, match=r"epochs finished but the file is gone: restore it, or train a new run"):
        RunDir(run).load_model()
    (run / "metrics.jsonl").unlink()
    with pytest.raises(CheckpointError) as caught:
        RunDir(run).load_model()
    assert f"no epoch has finished yet: continue with mvae train --resume {run}" in caught.value.command_line_message()
    assert f"continue with mvae_core.train(out={str(run)!r}, resume=True)" in str(caught.value)  # a Python caller's
    (run / "checkpoint.pt").unlink()
    with pytest.raises(CheckpointError) as caught:
        RunDir(run).load_model()
    assert f"nothing was trained here: train first (mvae train DATA --out {run})" in caught.value.command_line_message()
    assert f"train first (mvae_core.train(data=DATA, out={str(run)!r}))" in str(caught.value)


def test_a_folder_that_is_not_a_run_is_named_for_what_it_holds(tiny_run, synth_dir, tmp_path):
    """generate/evaluate/export/serve pointed at the data folder, a folder of runs, an empty or a half-written folder
    say what the folder is and what to give instead (they said only "cannot read the run's config")."""
    from mvae_core.config import ConfigError
    from mvae_core.run import RunDir

    def refusal(folder) -> str:
        with pytest.raises(ConfigError, match=rf"^{folder} is not a run: no config.toml there; ") as caught:
            RunDir(folder).load_model()
        return caught.value.command_line_message()

    assert f"it holds MIDI files: train on them first (mvae train {synth_dir} --out RUN)" in refusal(synth_dir)
    with pytest.raises(ConfigError) as caught:  # a Python caller is told the call
        RunDir(synth_dir).load_model()
    assert f"train on them first (mvae_core.train(data=[{str(synth_dir)!r}], out=RUN))" in str(caught.value)
    runs = tmp_path / "runs"
    shutil.copytree(tiny_run, runs / "solos")
    assert f"it holds runs: give one of them, e.g. {runs / 'solos'}" in refusal(runs)
    ablation = tmp_path / "ablation"  # mvae ablate's --out: runs/<configuration>/seed-<n>
    shutil.copytree(tiny_run, ablation / "runs" / "all" / "seed-0")
    (ablation / "summary.md").write_text("…")
    assert f"it holds an ablation: give one of its runs, e.g. {ablation / 'runs/all/seed-0'}" in refusal(ablation)
    (tmp_path / "empty").mkdir()
    assert "it is empty: train first" in refusal(tmp_path / "empty")
    (runs / "solos" / "config.toml").unlink()
    assert "it holds checkpoint.pt, metrics.jsonl, model.safetensors but the run's config is gone" in refusal(
        runs / "solos"
    )
    half = tmp_path / "half"  # a first run killed after its data report, before config.toml
    half.mkdir()
    (half / "split.json").write_text("{}")
    assert f"train it again (mvae train DATA --out {half})" in refusal(half)


def test_weights_that_do_not_fit_the_runs_config_exit_2_naming_the_file(one_epoch_run, tmp_path):
    """A model copied from another run, or a hand-edited config.toml, is refused with how the tensors differ (generate
    ended in torch's traceback listing every tensor). A resume names the edited setting instead (the checkpoint
    records the settings; tests/test_resume_edited_config.py, where a checkpoint without that record is refused by
    its tensors as before)."""
    from typer.testing import CliRunner

    from mvae_core.cli import app

    config = one_epoch_run / "config.toml"
    config.write_text(config.read_text().replace("hidden = 16", "hidden = 24", 1))
    args = ["generate", one_epoch_run, "--random", "1", "--out", tmp_path / "g.mid"]
    result = CliRunner().invoke(app, [str(a) for a in args])
    output = " ".join(result.output.split())
    assert result.exit_code == 2, output
    assert (
        f"error: {one_epoch_run / 'model.safetensors'}: its weights do not fit the model that the run's config.toml"
        in output
    )
    assert "of another shape, e.g. encoder.branch_weight: [3072, 16] in the file, [3072, 24] in the model" in output
    assert "Traceback" not in output and result.output.count("error:") == 1
    result = CliRunner().invoke(app, ["train", "--resume", str(one_epoch_run), "--epochs", "2"])
    output = " ".join(result.output.split())
    assert result.exit_code == 2 and "was edited since the run's last checkpoint (model.hidden 16 → 24)" in output


def test_a_corrupt_model_file_of_a_run_is_named_once(tiny_run, tmp_path):
    from mvae_core.run import RunDir

    run = shutil.copytree(tiny_run, tmp_path / "run")
    (run / "model.safetensors").write_bytes(pickle.dumps({"model": "not tensors"}))
    with pytest.raises(CheckpointError) as refused:
        RunDir(run).load_model()
    assert str(refused.value).startswith(f"{run / 'model.safetensors'} is truncated or corrupt: ")


def test_a_model_file_holding_nan_is_refused_naming_it(tiny_run, tmp_path):
    """A damaged model.safetensors whose numbers are NaN crashed generate in the middle of decoding (round(NaN))."""
    from safetensors.torch import load_file, save_file

    from mvae_core.run import RunDir

    run = shutil.copytree(tiny_run, tmp_path / "run")
    state = load_file(str(run / "model.safetensors"))
    name = sorted(state)[0]
    state[name] = torch.full_like(state[name], float("nan"))
    save_file(state, str(run / "model.safetensors"))
    with pytest.raises(
        CheckpointError, match=rf"^{run / 'model.safetensors'} is damaged: 1 of its \d+ tensors hold NaN"
    ):
        RunDir(run).load_model()


def test_the_best_epoch_is_read_from_the_model_file_counted_from_1(tmp_path):
    from mvae_core.run import RunDir
    from mvae_core.run_weights import saved_epoch

    run = RunDir(tmp_path)
    run.save_best(torch.nn.Linear(2, 2).state_dict(), 4, 31.5)  # the trainer counts epochs from 0
    assert saved_epoch(load_model_file(tmp_path / "model.safetensors")[1]) == (5, 31.5)
    save_model(tmp_path / "model.safetensors", torch.nn.Linear(2, 2).state_dict(), {})  # not written by mvae
    assert saved_epoch(load_model_file(tmp_path / "model.safetensors")[1]) is None


def test_a_folder_of_smf_files_given_as_a_run_is_named_as_midi(tmp_path, synth_dir):
    """A folder of a hardware sequencer's .smf files (which a folder search reads) was 'give the folder that mvae
    train --out wrote'; a macOS '._' twin alone is no MIDI."""
    from mvae_core.config import ConfigError
    from mvae_core.run import RunDir

    (tmp_path / "seq").mkdir()
    (tmp_path / "seq" / "._take.mid").write_bytes(b"\x00\x05\x16\x07")
    with pytest.raises(ConfigError) as caught:
        RunDir(tmp_path / "seq").load_model()
    assert "holds MIDI files" not in str(caught.value)
    shutil.copy(next(synth_dir.glob("*.mid")), tmp_path / "seq" / "take.smf")
    with pytest.raises(ConfigError, match="it holds MIDI files: train on them first"):
        RunDir(tmp_path / "seq").load_model()


def test_a_truncated_model_file_says_what_to_do(tmp_path):
    """A model.safetensors cut short said only that it was truncated or corrupt (helper-435 F10), where a checkpoint's
    refusal says what to do next."""
    path = tmp_path / "model.safetensors"
    save_model(path, {"w": torch.ones(64)}, {})
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    for read in (load_model_file, model_metadata):
        with pytest.raises(CheckpointError) as refused:
            read(path)
        said = str(refused.value)
        assert said.startswith(f"{path} is truncated or corrupt: "), said
        assert said.endswith("; put the run's model file back (from a backup), or train again"), said
