"""The picture a command draws (``mvae plot --out``, ``mvae map --out``, ``mvae schedules preview --plot``) given a
path without a file name: ``--plot ""`` was a ValueError traceback, ``--out ""`` the bare ``PosixPath('.') has an
empty name``; and a suffix matplotlib cannot write now names the option."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from mvae_core.cli import app


@pytest.mark.parametrize("given", [".", ".."])
def test_preview_plot_without_a_file_name_is_a_usage_error(given):
    result = CliRunner().invoke(app, ["schedules", "preview", "linear", "--plot", given])
    assert result.exit_code == 2, result.output
    assert (
        result.stderr
        == f"error: --plot '{given}' names a folder, not a picture; give a file name such as picture.png\n"
    )


@pytest.mark.parametrize(
    ("given", "said"),
    [
        ("", "Invalid value for '--out': is an empty path: give a file or folder name (an unset shell variable "
             "expands to nothing). See 'mvae plot --help'."),
        (".", "--out '.' names a folder, not a picture; give a file name such as picture.png"),
    ],
)  # fmt: skip
def test_plot_out_without_a_file_name_names_the_option(tiny_run: Path, given: str, said: str):
    result = CliRunner().invoke(app, ["plot", str(tiny_run), "--out", given], prog_name="mvae")
    assert result.exit_code == 2
    assert result.stderr == f"error: {said}\n"


def test_a_suffix_matplotlib_cannot_write_names_the_option(tiny_run: Path, tmp_path: Path):
    result = CliRunner().invoke(app, ["plot", str(tiny_run), "--out", str(tmp_path / "c.mid")])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: --out {tmp_path / 'c.mid'}: matplotlib cannot write .mid pictures")


def test_preview_refuses_a_plot_behind_a_file_before_printing_the_table(tmp_path: Path):
    (tmp_path / "afile").write_text("x")
    wanted = tmp_path / "afile" / "x.png"
    result = CliRunner().invoke(app, ["schedules", "preview", "linear", "--plot", str(wanted)])
    assert result.exit_code == 2
    assert result.stdout == ""  # not the table, then the error
    assert result.stderr == (
        f"error: {tmp_path / 'afile'} is a file where a folder is needed (for {wanted}): choose another path or move "
        "the file\n"
    )


def test_plot_suggests_the_metric_path_closest_to_a_typo(tiny_run: Path, tmp_path: Path):
    result = CliRunner().invoke(app, ["plot", str(tiny_run), "--out", str(tmp_path / "c.png"), "--metric", "val_elb"])
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "error: --metric val_elb: no number there in metrics.jsonl; did you mean 'val_elbo'? numbers recorded by "
        "plugins:"
    )
