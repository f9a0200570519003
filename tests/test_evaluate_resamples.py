"""How many bootstrap resamples lie behind ``mvae evaluate``'s intervals was fixed at 1,000; ``--resamples N``
(``resamples=`` in Python) sets it, the console says how many, and a number out of range exits 2 naming it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import mvae_core
from mvae_core.cli import app
from mvae_core.errors import OptionError

runner = CliRunner()


def test_the_intervals_rest_on_the_resamples_asked_for(tiny_run: Path, synth_dir: Path) -> None:
    args = ["evaluate", str(tiny_run), str(synth_dir), "--samples", "16", "--resamples", "50"]
    printed = runner.invoke(app, [*args, "--json"], catch_exceptions=False)
    assert printed.exit_code == 0, printed.output
    assert json.loads(printed.stdout)["intervals"]["resamples"] == 50
    table = runner.invoke(app, args, catch_exceptions=False)
    assert "(50 resamples of DATA's and of the generated loops)" in " ".join(table.stdout.split())


@pytest.mark.parametrize("resamples", [0, 100_001, 2.5])
def test_a_number_of_resamples_out_of_range_is_refused_naming_it(tiny_run: Path, synth_dir: Path, resamples) -> None:
    with pytest.raises(OptionError, match=r"^resamples "):
        mvae_core.evaluate(tiny_run, synth_dir, samples=16, resamples=resamples)


def test_the_command_line_names_the_option(tiny_run: Path, synth_dir: Path) -> None:
    printed = runner.invoke(app, ["evaluate", str(tiny_run), str(synth_dir), "--resamples", "0"])
    assert printed.exit_code == 2 and "--resamples must be between 1 and 100000, got 0" in printed.stderr
