"""``mvae data inspect`` and ``mvae train`` over ~600 bad and odd MIDI files: no crash, no hang, every file counted.

The commands run in subprocesses with timeouts, so a hang fails the test instead of blocking CI, and the output
goes through a real pipe (its encoding included). The fuzz folder is built once per module with a fixed seed;
see :mod:`tests.fuzz.builder` for what is in it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mvae_core.data.score import SkipReason
from mvae_core.report import printable
from tests.fuzz.builder import OK, FuzzSet, build_fuzz_folder

pytestmark = pytest.mark.slow
KNOWN_REASONS = {r.value for r in SkipReason}
INSPECT_TIMEOUT_S = 120  # ~10 s on a loaded 2-core machine; a hang ends here as a failure
TRAIN_TIMEOUT_S = 240


@pytest.fixture(scope="module")
def fuzz(tmp_path_factory: pytest.TempPathFactory) -> FuzzSet:
    return build_fuzz_folder(tmp_path_factory.mktemp("fuzz") / "data", seed=0)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The commands' working directory: a ``$(touch PWNED)`` that ever reached a shell would leave a file here."""
    return tmp_path_factory.mktemp("cwd")


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A fresh parse cache (so the first command parses every file) and one thread for torch."""
    cache = tmp_path_factory.mktemp("fuzz-cache")
    return {**os.environ, "MVAE_CACHE_DIR": str(cache), "OMP_NUM_THREADS": "1", "COLUMNS": "1000"}


def mvae(args: list[str], cwd: Path, env: dict[str, str], timeout: float) -> subprocess.CompletedProcess[bytes]:
    """Run the CLI; output stays bytes, since names with undecodable bytes must not break the test either."""
    command = [sys.executable, "-m", "mvae_core.cli", *args]
    try:
        return subprocess.run(command, cwd=cwd, env=env, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        pytest.fail(f"mvae {' '.join(args[:2])} did not finish within {timeout} s (a hang?)")


@pytest.fixture(scope="module")
def inspected(fuzz: FuzzSet, workdir: Path, env: dict[str, str]) -> dict:
    started = time.perf_counter()
    result = mvae(["data", "inspect", str(fuzz.folder), "--json"], workdir, env, INSPECT_TIMEOUT_S)
    seconds = time.perf_counter() - started
    assert result.returncode == 0, result.stderr.decode(errors="replace")[-3000:]
    assert b"Traceback" not in result.stderr + result.stdout
    report = json.loads(result.stdout, parse_constant=lambda constant: pytest.fail(f"{constant} is not JSON"))
    report["seconds"] = seconds
    return report


def relative(fuzz: FuzzSet, source: str) -> str:
    prefix = str(fuzz.folder) + os.sep
    assert source.startswith(prefix), source
    return source[len(prefix) :]


def test_the_fuzz_folder_is_large_and_covers_every_category(fuzz):
    counts = fuzz.counts()
    assert len(fuzz.files) >= 500
    assert {"valid", "truncated", "bitflip", "random", "empty", "huge_delta", "tempo_storm", "meters", "notes"} <= set(
        counts
    )
    assert {"drums", "structure", "running_status", "text", "unreadable", "hostile_names"} <= set(counts)


def test_inspect_counts_every_file_exactly_once(fuzz, inspected):
    reported = [relative(fuzz, entry["source"]) for entry in inspected["files"]]
    assert len(reported) == len(set(reported)), "a file is reported twice"
    groups: dict[str, list[str]] = {}
    for f in fuzz.files:
        groups.setdefault(f.alias_of or f.rel, []).append(f.rel)
    for names in groups.values():
        assert sum(name in reported for name in names) == 1, f"{names}: reported {[n in reported for n in names]}"
    assert set(reported) <= {f.rel for f in fuzz.files}, "the report names a file that is not in the manifest"
    assert not set(reported) & set(fuzz.not_sources)


def test_inspect_gives_each_file_a_known_outcome(fuzz, inspected):
    entries = {relative(fuzz, e["source"]): e for e in inspected["files"]}
    wrong = {}
    for f in fuzz.files:
        entry = entries.get(f.rel)
        if entry is None:  # the other name of an alias pair
            continue
        outcome = OK if entry["status"] == "ok" else entry["reason"]
        if outcome == SkipReason.DUPLICATE.value:  # a copy of a file read before it: counted, used once
            original = Path(entry["detail"].removeprefix("the same bytes as "))
            assert original.read_bytes() == (fuzz.folder / f.rel).read_bytes(), entry
            continue
        if entry["status"] == "ok":
            assert entry["reason"] is None and entry["loops"] > 0, entry
        else:
            assert entry["status"] == "skipped" and entry["reason"] in KNOWN_REASONS, entry
        if f.expect is not None and outcome not in f.expect:
            wrong[f.rel] = (outcome, entry["detail"], sorted(f.expect))
    assert not wrong


def test_inspect_summary_adds_up(inspected):
    summary, files = inspected["summary"], inspected["files"]
    assert summary["sources_ok"] + sum(summary["skipped"].values()) == len(files)
    assert set(summary["skipped"]) <= KNOWN_REASONS
    assert summary["sources_ok"] >= 40 and summary["loops"] > 0
    print(f"\nfuzz: {len(files)} sources in {inspected['seconds']:.1f} s; {summary['skipped']}")


def test_inspect_prints_hostile_names_literally(fuzz, workdir, env, inspected):
    hostile = fuzz.folder / "names"
    markup_dir = next(p for p in hostile.iterdir() if p.name.startswith("[red]"))  # "[red]dir[" (+ "/] 0")
    args = [str(hostile), str(fuzz.folder / "unreadable"), f"{markup_dir}/] 0"]  # the last is named twice: read once
    result = mvae(["data", "inspect", *args], workdir, env, INSPECT_TIMEOUT_S)
    assert result.returncode == 0, result.stderr.decode(errors="replace")[-3000:]
    output = result.stdout.decode("utf-8")  # strict: the output is valid UTF-8 whatever the names are
    assert "Traceback" not in output + result.stderr.decode(errors="replace")
    assert f"data: {' '.join(args)}" in output  # the title, markup and all
    lines = output.splitlines()
    skipped = [e for e in inspected["files"] if e["status"] == "skipped"]
    shown = [e for e in skipped if relative(fuzz, e["source"]).startswith(("names/", "unreadable/"))]
    assert len(shown) <= 50  # the human listing shows up to 50: all of these
    for entry in shown:
        detail = f" ({entry['detail']})" if entry["detail"] else ""
        assert printable(f"  skipped {entry['source']}: {entry['reason']}{detail}") in lines
    assert sum(line.startswith("  skipped ") for line in lines) == len(shown)  # no name forged an extra line
    assert f"{markup_dir}/] 0/inner.mid" in output
    assert "\x1b" not in output and "\u202e" not in output
    assert ":thumbs_up:" in output and "\U0001f44d" not in output  # emoji codes are not replaced


def test_nothing_from_a_name_or_text_event_is_executed(fuzz, workdir, inspected):
    assert not list(workdir.rglob("PWNED*"))
    assert not list(fuzz.folder.rglob("PWNED*"))
    assert not Path("PWNED").exists()


def test_train_over_the_fuzz_folder_exits_0(fuzz, workdir, env, inspected, tmp_path):
    run = tmp_path / "run"
    args = ["train", str(fuzz.folder), "--set", "model.hidden=32", "--set", "train.batch_size=16", "--epochs", "1"]
    args += ["--set", "model.melody_rnn.rnn_hidden=32", "--set", "model.melody_rnn.embedding=8"]
    result = mvae([*args, "--plugins", "none", "--out", str(run)], workdir, env, TRAIN_TIMEOUT_S)
    output = result.stdout.decode("utf-8") + result.stderr.decode(errors="replace")
    assert result.returncode == 0, output[-3000:]
    assert "Traceback" not in output
    report = json.loads((run / "data_report.json").read_text(encoding="utf-8"))
    assert report["sources"] == len(inspected["files"])
    assert report["ok"] == inspected["summary"]["sources_ok"]
    assert (run / "checkpoint.pt").exists()
    assert not list(workdir.rglob("PWNED*"))
