"""What a newcomer reads around the epoch lines of ``mvae train``: where the columns (elbo, kl, au, ...) are
explained, before the first epoch line, and after the ``done`` line what to do with the run (generate, hear, serve):
the command ended at ``best val_elbo 143.403 → runs/solos`` and named neither."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

from rich.console import Console
from typer.testing import CliRunner

from mvae_core.cli import app
from mvae_core.progress import COLUMNS_NOTE, ConsoleReporter

runner = CliRunner()
QUICKSTART = Path(__file__).resolve().parents[1] / "docs" / "quickstart.md"


def test_the_epoch_lines_are_preceded_by_where_their_columns_are_explained():
    console = Console(file=io.StringIO(), soft_wrap=True)  # as the command line's and mvae_core.train's
    with ConsoleReporter(console).training(epochs=2, first_epoch=0):
        pass
    shown = console.file.getvalue()
    assert shown.strip() == COLUMNS_NOTE
    for word in ("elbo", "f1", "docs/quickstart.md"):
        assert word in shown


def test_the_section_the_columns_note_names_is_in_quickstart():
    doc, section = re.search(r"(docs/quickstart\.md) \(([^)]+)\)", COLUMNS_NOTE).groups()
    headings = re.findall(r"^#+ (.+)$", (QUICKSTART.parents[1] / doc).read_text(encoding="utf-8"), flags=re.M)
    assert section in headings
    explained = QUICKSTART.read_text(encoding="utf-8").split(f"# {section}", 1)[1]
    for column in ("`elbo`", "`f1`", "`rhythm`", "`au`", "`spread`"):
        assert column in explained


def test_train_ends_with_the_commands_that_generate_hear_and_serve_the_run(tiny_run, tmp_path):
    run = shutil.copytree(tiny_run, tmp_path / "run")
    result = runner.invoke(app, ["train", "--resume", str(run)], env={"NO_COLOR": "1", "COLUMNS": "300"})
    assert result.exit_code == 0, result.output
    last = result.stdout.splitlines()[-1]
    samples = run / "samples"
    assert f"mvae generate {run} --random 8 --out {samples} --audio {samples}" in last
    assert f"mvae serve {run}" in last
