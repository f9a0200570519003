"""The bench scripts refuse a bad argument before any work, as argparse does (exit 2, ``error: argument --NAME: ...``
on stderr, no traceback), through the checks of bench/bench_args.py; generate_latency.py reads ``--blas-threads``
in both of argparse's spellings; throughput.py counts one real step's FLOPs beside its 3 × forward bound."""

from __future__ import annotations

from pathlib import Path

import pytest

from mvae_core.models import BUILTIN_MODELS
from tests.bench import load_bench, run_main

NO_RUN = "/nonexistent-h450-run"
NO_FOLDER = "/nonexistent-h450-folder"

CASES = [
    (["throughput.py", "--rounds", "0"], "argument --rounds: 0: give a whole number >= 1"),
    (["throughput.py", "--threads", "-1"], "argument --threads: -1: give a whole number >= 0"),
    (["throughput.py", "--steps", "x"], "argument --steps: 'x' is not a whole number"),
    (["throughput.py", "--data", NO_FOLDER], f"argument --data: {NO_FOLDER}: no such folder"),
    (["throughput.py", "--model", "nope"], "model.name: unknown model 'nope'"),
    (["throughput.py", "--device", "cdua"], "argument --device: Expected one of cpu"),
    (["thread_scaling.py", "--models", "seed", "--rounds", "0"], "argument --rounds: 0: give a whole number >= 1"),
    (["thread_scaling.py", "--models", "nope"], "argument --models: model.name: unknown model 'nope'"),
    (["step_profile.py", "--steps", "0"], "argument --steps: 0: give a whole number >= 1"),
    (["sparse_encoder.py", "--rounds", "0"], "argument --rounds: 0: give a whole number >= 1"),
    (["preprocess.py", "--data", NO_FOLDER], f"argument --data: {NO_FOLDER}: no such folder"),
    (["preprocess.py", "--repeats", "0"], "argument --repeats: 0: give a whole number >= 1"),
    (["plugin_overhead.py", "--data", NO_FOLDER], f"argument --data: {NO_FOLDER}: no such folder"),
    (["plugin_overhead.py", "--rounds", "0"], "argument --rounds: 0: give a whole number >= 1"),
    (["data_warnings.py", "--data", NO_FOLDER], f"argument --data: {NO_FOLDER}: no such folder"),
    (["notes_per_step.py", NO_RUN, NO_FOLDER], f"argument folders: {NO_FOLDER}: no such file or folder"),
    (["notes_per_step.py", NO_RUN, "."], f"argument run: {NO_RUN}"),
    (["memory.py", "--sizes", "abc"], "argument --sizes: 'abc' is not a whole number"),
    (["short_notes.py", NO_RUN], f"argument run: {NO_RUN}"),
    (["short_notes.py", NO_RUN, "--tempo", "0"], "argument --tempo: 0: give a number > 0"),
    (["short_notes.py", NO_RUN, "--grid-offsets", "x"], "argument --grid-offsets: 'x' is not a number"),
    (["near_quantized.py", "--share", "2"], "argument --share: 2: give a share from 0 to 1"),
    (["freed_memory.py", "--models", "seed", "--against", "x"], "argument --against: 'x' is not a number"),
    (["freed_memory.py", "--against", "4"], "argument --against: 4: give two thresholds in MiB"),
    (["freed_memory.py", "--models", "nope"], "argument --models: model.name: unknown model 'nope'"),
    (["freed_memory.py", "--rounds", "0"], "argument --rounds: 0: give a whole number >= 1"),
    (["evaluation.py", "--data", NO_FOLDER], f"argument --data: {NO_FOLDER}: no such folder"),
    (["pitch_folds.py", "--data", ".", "--folds", "1"], "argument --folds: 1: give 2 or more"),
    (["demo_time.py", "--repo", NO_FOLDER], f"argument --repo: {NO_FOLDER}: no such folder"),
    (["generate_latency.py", "--no-onnx", "--blas", "2"], "unrecognized arguments: --blas 2"),
]


@pytest.mark.parametrize(("command", "says"), CASES, ids=[" ".join(c) for c, _ in CASES])
def test_a_bad_argument_is_refused_before_any_work(command, says, capsys):
    """In this process, as tests/test_bench_latency_args.py does: a traceback would be an exception other than
    ``SystemExit``, which fails the test. Before, these ran with a traceback (exit 1), or exited 0 on a mistake."""
    with pytest.raises(SystemExit) as exited:
        run_main(*command)
    stderr = capsys.readouterr().err
    assert exited.value.code == 2 and says in stderr and "Traceback" not in stderr, stderr


def test_an_unknown_model_is_refused_before_evaluation_makes_its_folders(synth_dir: Path, tmp_path: Path, capsys):
    with pytest.raises(SystemExit) as exited:
        run_main("evaluation.py", "--data", str(synth_dir), "--models", "nope", "--out", str(tmp_path / "out"))
    assert exited.value.code == 2 and "unknown model 'nope'" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()  # it linked the train and held-out files first


def test_near_quantized_refuses_a_folder_without_midi_before_making_its_output(tmp_path: Path, capsys):
    with pytest.raises(SystemExit) as exited:
        run_main("near_quantized.py", "--data", str(tmp_path), "--out", str(tmp_path / "out"))
    assert exited.value.code == 2 and "no .mid files in it" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("argv", [["--blas-threads", "2"], ["--blas-threads=2"], ["--calls", "5", "--blas-threads=2"]])
def test_blas_threads_is_read_in_both_spellings(argv):
    """generate_latency.py sets OPENBLAS_NUM_THREADS from this before numpy loads; it looked only for the separate
    word ``--blas-threads``, so ``--blas-threads=2`` reported 2 BLAS threads and ran with 1."""
    assert load_bench("bench_args.py").option_value(argv, "--blas-threads", "1") == "2"
    assert load_bench("bench_args.py").option_value(["--calls", "5"], "--blas-threads", "1") == "1"


@pytest.mark.parametrize("model", sorted(BUILTIN_MODELS))
def test_a_counted_step_leaves_out_the_first_layers_input_gradient(model, monkeypatch):
    """3 × forward charges the backward pass with the gradient of the first layer's input, which a step never
    computes; the step counted by torch's FLOP counter is exactly that much less: 2 × cells × hidden per sample."""
    monkeypatch.syspath_prepend(str(Path(__file__).resolve().parents[1] / "bench"))
    bench = load_bench("throughput.py")
    trainer, _, batches = bench.stepping_trainer([f'model.name="{model}"', "model.hidden=64"], 1)
    x = trainer.batch(batches[0])
    forward = bench.forward_flops_per_sample(trainer.model, x)
    step = bench.step_flops_per_sample(trainer.model, x, trainer.cfg)
    assert 3 * forward - step == pytest.approx(2 * trainer.model.encoder.branch_weight.numel())
