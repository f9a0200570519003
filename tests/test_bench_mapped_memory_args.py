"""bench/mapped_memory.py's arguments: a --dir that is not the script's own table folder is refused before anything
is written (a folder of other files was deleted, a table of another size was measured under the new size's name),
and bad numbers, storages or --set overrides exit 2 naming the option (each failed in every rank with a
traceback)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.bench import BENCH, run_script


def _bench(*args: str) -> subprocess.CompletedProcess[str]:
    """The command, in this process (tests/bench.run_script): each refusal comes before any rank starts."""
    return run_script("mapped_memory.py", "--ranks", "1", "--steps", "1", *args)


def test_a_folder_of_other_files_is_refused_and_kept(tmp_path):
    folder = tmp_path / "results"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    result = _bench("--loops", "100", "--dir", str(folder))
    assert result.returncode == 2, result.stderr[-2000:]
    assert f"error: --dir {folder}: holds no note table of this script; give a new or empty folder" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results"]
    assert (folder / "notes.txt").read_text() == "mine"


def test_a_table_of_another_size_is_refused(tmp_path):
    sys.path.insert(0, str(BENCH))
    try:
        from mapped_memory import build_table
    finally:
        sys.path.remove(str(BENCH))
    table = tmp_path / "table"
    build_table(table, 100, 50)
    result = _bench("--loops", "200", "--dir", str(table))
    assert result.returncode == 2, result.stderr[-2000:]
    assert f"error: --dir {table}: holds a table of 100 loops, not --loops 200; give --loops 100 to reuse it" in (
        result.stderr
    )


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--loops", "0"], "--loops must be at least 1, got 0"),
        (["--loops", "60"], "--loops 60 gives fewer than 2 sources of --loops-per-source 50"),
        (["--storage", "mapped,shared"], "--storage mapped,shared: shared is none of mapped, copied"),
        (["--set", "model.hiden=3"], "--set: model.hiden = 3: unknown setting; did you mean model.hidden?"),
    ],
)
def test_bad_arguments_exit_2_before_anything_is_written(tmp_path, args, said):
    result = _bench("--dir", str(tmp_path / "table"), *args)
    assert result.returncode == 2 and said in result.stderr, result.stderr[-2000:]
    assert "Traceback" not in result.stderr and list(tmp_path.iterdir()) == []
