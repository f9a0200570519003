"""A new run given no DATA says that it trains on the bundled corpus and how to give one's own files: typed without
DATA, a first ``mvae train`` trained corpus:essen for minutes with only the data table's title saying so."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import mvae_core
from mvae_core.cli import app
from tests.training import TINY


def said(data: Path) -> str:
    return f"no data given: training on {data}, the bundled folk tunes, for 1 epoch"


@pytest.fixture
def bundled_is_synth(synth_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The default data is the synthetic folder (the corpus takes minutes to parse the first time)."""
    monkeypatch.setattr("mvae_core.run_setup.DEFAULT_DATA", [str(synth_dir)])


def tiny_settings() -> list[str]:
    return [arg for setting in TINY for arg in ("--set", setting)]


def test_the_command_says_what_it_trains_on_and_how_to_give_files(
    bundled_is_synth: None, synth_dir: Path, tmp_path: Path
) -> None:
    result = CliRunner().invoke(app, ["train", "--epochs", "1", "--out", str(tmp_path / "run"), *tiny_settings()])
    assert result.exit_code == 0, result.output
    line = next(line for line in result.output.splitlines() if line.startswith("no data given"))
    assert (
        line.startswith(f"{said(synth_dir)} into {tmp_path / 'run'}") and "mvae train my-midi/ --out runs/mine" in line
    )
    # the corpus takes minutes to parse first, when Ctrl-C keeps the parsed files but writes no checkpoint
    assert "while it reads the tunes, keeping those parsed; once it trains, with a checkpoint" in line


def test_the_call_says_it_with_the_call(bundled_is_synth: None, synth_dir: Path, tmp_path: Path) -> None:
    notes: list[str] = []

    class Notes:
        def data(self, *args: object) -> None: ...
        def event(self, event: object) -> None: ...
        def training(self, epochs: int, first_epoch: int) -> object:
            import contextlib

            return contextlib.nullcontext(lambda record: None)

        def note(self, message: str, level: str = "info") -> None:
            notes.append(message)

    mvae_core.train(out=tmp_path / "run", overrides=TINY, epochs=1, progress=Notes())
    (note,) = [note for note in notes if note.startswith("no data given")]
    assert note.startswith(said(synth_dir)) and "mvae_core.train('my-midi/', out='runs/mine')" in note


def test_given_data_or_a_resume_says_nothing_of_it(synth_dir: Path, tmp_path: Path) -> None:
    run = str(tmp_path / "run")
    trained = CliRunner().invoke(app, ["train", str(synth_dir), "--epochs", "1", "--out", run, *tiny_settings()])
    resumed = CliRunner().invoke(app, ["train", "--resume", run, "--epochs", "2"])
    assert trained.exit_code == resumed.exit_code == 0, trained.output + resumed.output
    assert "no data given" not in trained.output + resumed.output
