"""Every script under bench/ still imports (the library moves under them), and the throughput and latency benches run
end to end for every built-in model (a few calls each, no ONNX) and report what docs/benchmarks.md reads from them."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from mvae_core.allocator import on_glibc
from mvae_core.models import BUILTIN_MODELS
from tests.bench import load_bench, run_main

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = sorted(p for p in (ROOT / "bench").glob("*.py") if p.name != "bench_args.py")  # the scripts' checks, no main


def bench_here(script: str, *args: str) -> dict[str, Any]:
    """``bench/<script>``'s JSON record, run in this process (:func:`tests.bench.run_main`): a new python costs seconds
    of torch and ONNX imports. Only for a process that changes nothing a later test reads: freed_memory.py tunes
    malloc and mapped_memory.py trains only in the processes they start."""
    return json.loads(run_main(script, *args).strip().splitlines()[-1])


def test_there_are_bench_scripts():
    assert len(SCRIPTS) >= 5


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_bench_script_imports(script, monkeypatch):
    monkeypatch.syspath_prepend(str(script.parent))  # as when run: a script imports the scripts beside it
    assert callable(load_bench(script).main)


@pytest.mark.parametrize("model", sorted(BUILTIN_MODELS))
def test_throughput_bench_runs_and_matches_the_bare_loop(model):
    record = bench_here(
        "throughput.py", "--model", model, "--rounds", "1", "--steps", "2", "--hidden", "64", "--gemm-n", "128"
    )
    assert record["model"] == model
    assert record["max_param_diff"] == 0
    assert record["samples_per_s"]["bare"] > 0
    assert record["step_flops_per_sample_counted"] < record["train_flops_per_sample"]  # 3 × forward overcounts
    assert 0 < record["roofline_counted_fraction"]["bare"] < record["roofline_fraction"]["bare"]
    assert record["val_in_fit_ms_per_epoch"] > 0 and record["val_ms_per_epoch"] > 0  # timed inside fit() and warm


def _assert_player_against_the_batch_path(record: dict[str, Any], model: str) -> None:
    """What generate_latency.py reports for every model, with or without its ONNX rows."""
    assert record["blas_threads"] == 1
    assert set(record["results"]) >= {"player, default options", "batch path (torch), default options"}
    assert record["player_over_batch_path"] > 0
    assert record["model"] == model
    if model == "seed":
        assert record["notes_per_pattern"] == 32.0  # untrained weights put a note on every step
    else:
        assert 0 < record["notes_per_pattern"] <= 32


# melody_rnn's player rows are checked in the ONNX run below: one bench process (about 3 s) fewer
@pytest.mark.parametrize("model", sorted(set(BUILTIN_MODELS) - {"melody_rnn"}))
def test_generate_latency_bench_reports_the_player_against_the_batch_path(model):
    record = bench_here("generate_latency.py", "--calls", "5", "--warmup", "1", "--no-onnx", "--model", model)
    _assert_player_against_the_batch_path(record, model)
    assert not any("onnx" in name for name in record["results"])  # --no-onnx


def test_generate_latency_bench_times_the_onnx_hosts_of_melody_rnn():
    record = bench_here("generate_latency.py", "--calls", "3", "--warmup", "1", "--model", "melody_rnn")
    _assert_player_against_the_batch_path(record, "melody_rnn")
    assert record["results"]["onnxruntime host (onnx_host.py)"]["p50_ms"] > 0
    js_host = ROOT / "examples" / "onnx_host_js" / "node_modules" / "onnxruntime-node"
    if shutil.which("node") and js_host.is_dir():  # the JavaScript host's row, when it can run (make test installs it)
        assert record["results"]["onnxruntime-node host (onnx_host.mjs)"]["p50_ms"] > 0


@pytest.mark.parametrize("model", sorted(BUILTIN_MODELS))
def test_onnx_host_check_finds_the_host_and_generate_agree(model):
    record = bench_here("onnx_host_check.py", "--points", "4", "--model", model)
    rules = 6 if model == "seed" else 2  # the seed export's host also follows --poly and the thresholds
    assert [row["same_notes"] for row in record["results"].values()] == [4] * rules
    assert max(row["max_value_diff"] for row in record["results"].values()) < 1e-5


def test_serve_latency_bench_times_http_and_osc_against_a_real_server(tiny_run):
    """The server's own lines (its ``stopped: …`` on stderr) are not printed among the results."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "serve_latency.py"), "--run", str(tiny_run), "--calls", "20",
         "--warmup", "2"], capture_output=True, text=True, timeout=300, cwd=ROOT,
    )  # fmt: skip
    assert done.returncode == 0 and "stopped" not in done.stderr, done.stderr[-2000:]
    record = json.loads(done.stdout.strip().splitlines()[-1])
    assert set(record["rows"]) == {"HTTP keep-alive", "HTTP new connection", "OSC (UDP)"}
    assert all(row["p50_ms"] > 0 and row["p99_ms"] >= row["p50_ms"] for row in record["rows"].values())
    assert record["model"] == "melody_rnn"


def test_step_profile_bench_splits_a_step_into_groups_that_add_up():
    record = bench_here("step_profile.py", "--steps", "2", "--warmup", "1", "--hidden", "64")
    for model, row in record["results"].items():
        parts = sum(value for name, value in row.items() if name != "wall")
        assert row["matmul"] > 0 and parts == pytest.approx(row["wall"], rel=0.02, abs=0.05), (model, row)


@pytest.mark.skipif(not on_glibc(), reason="train.keep_freed_memory tunes glibc's malloc only")
def test_freed_memory_bench_prices_the_page_faults_it_removes():
    record = bench_here("freed_memory.py", "--models", "seed", "--rounds", "1", "--steps", "10", "--warmup", "4",
                       "--cost-rounds", "1")  # fmt: skip
    (result,) = record["results"]
    cost = result["fault_cost"]
    # kept memory still faults now and then (a one-off 4 MiB, about 1,000 pages, in some processes): 100 per step
    assert result["kept"]["faults_per_step"] < 200 and cost["against_faults_per_step"] > 1000
    # in one process, right after glibc's starting thresholds: the heap may still be growing into its layout
    assert cost["kept_faults_per_step"] < cost["against_faults_per_step"] / 4 and cost["us_per_fault"] is not None


def test_mapped_memory_bench_trains_ranks_on_one_mapped_table(tmp_path):
    """Two gloo ranks on 127.0.0.1 train on the memory-mapped table and on private copies of it: the same numbers."""
    record = bench_here(
        "mapped_memory.py", "--loops", "3000", "--ranks", "2", "--steps", "3", "--dir", str(tmp_path / "table"),
        "--set", "model.hidden=32", "--set", "model.melody_rnn.rnn_hidden=32", "--set", "train.batch_size=16",
    )  # fmt: skip
    assert record["table"]["built"] and record["table"]["notes"] > 3000 * 8
    mapped, copied = record["storage"]["mapped"], record["storage"]["copied"]
    assert [r["rank"] for r in mapped] == [0, 1]
    assert mapped[0]["val_elbo"] == copied[0]["val_elbo"] is not None
    for r in mapped + copied:
        assert 0 < r["Pss"] <= r["Rss"] and r["peak_anon"] > 0 and r["peak_file"] > 0


def test_demo_time_splits_the_output_of_make_demo_at_lines_the_makefile_and_the_cli_really_print(
    synth_dir, tmp_path, wide_console
):
    """The phase ends of bench/demo_time.py, found in what `make demo`'s recipe echoes and `mvae train` prints."""
    from typer.testing import CliRunner

    from mvae_core.cli import app

    demo_time = load_bench(ROOT / "bench" / "demo_time.py")
    recipe = (ROOT / "Makefile").read_text().split("\ndemo:", 1)[1].split("\n\n", 1)[0]
    echoed = [line.strip().replace("$(BIN)", ".venv/bin") for line in recipe.splitlines()[1:]]
    tiny = ["--set", "model.hidden=32", "--set", "train.batch_size=16", "--plugins", "none", "--epochs", "2"]
    result = CliRunner().invoke(app, ["train", str(synth_dir), *tiny, "--out", str(tmp_path / "run")])
    assert result.exit_code == 0, result.output
    printed = ["python3 -m venv .venv", echoed[1], *result.output.splitlines(), *echoed[2:]]
    lines = [(float(i), line) for i, line in enumerate(printed)]

    split = demo_time.phases(lines, total=len(lines) + 0.5)
    assert split["install"] == 1.0  # the echoed `mvae train` line
    assert split["parse"] >= 1 and split["training"] >= 3  # the header, then two epoch lines and `done after`
    assert sum(split.values()) == pytest.approx(len(lines) + 0.5)
    assert len(demo_time.epoch_seconds(lines)) == 2
    with pytest.raises(ValueError, match="training"):
        demo_time.phases([(t, line) for t, line in lines if not line.startswith("done after")], total=99.0)


def test_short_notes_bench_finds_no_start_closer_than_the_no_click_gap(tiny_run):
    from mvae_core.loop_file import MIN_AUDIBLE_SECONDS

    record = bench_here("short_notes.py", str(tiny_run), "--points", "40", "--grid-offsets", "1,2")
    assert set(record["rows"]) == {"1", "2"}
    for row in record["rows"].values():
        assert row["notes"] > 0 and row["cut_by_next_start"] == 0 and row["starts_of_two_steps"] == 0
        assert row["closest_starts_ms"] is None or row["closest_starts_ms"] >= MIN_AUDIBLE_SECONDS * 1000 - 0.01
