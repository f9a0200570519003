"""``data.pitch_low = "auto"``: a new run chooses the window of pitch rows that folds the fewest notes of its data,
once, as it is set up, and trains with and records the number; a resume and every later command read that number
and never choose again; a fine-tune keeps its weights' rows; ``mvae data inspect`` reads the data as a run would.
The data: six files whose notes span MIDI 62..85, which only the 24 rows from 62 hold whole (the default rows from
48 fold a third of them)."""

from __future__ import annotations

import json
import re
import shutil
import tomllib
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import mvae_core
import mvae_core.data.load
from mvae_core.cli import app
from mvae_core.config import ConfigError, DataConfig, build_config
from tests.synth import SynthNote, write_midi
from tests.training import TINY

STEP = 240  # ticks of a 16th at 960 per beat
LOW, HIGH = 62, 85
AUTO = [*TINY, "data.pitch_low=auto", "data.cache_dir=none"]


@pytest.fixture(scope="module")
def high_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """6 files × 4 loops of 12 notes on every other 16th, each loop holding LOW and HIGH."""
    folder = tmp_path_factory.mktemp("high")
    rng = np.random.default_rng(0)
    for i in range(6):
        notes = []
        for loop in range(4):
            pitches = [LOW, HIGH, *rng.integers(LOW, HIGH + 1, size=10)]
            notes += [SynthNote(int(p), (32 * loop + 2 * k) * STEP, (32 * loop + 2 * k + 1) * STEP)
                      for k, p in enumerate(pitches)]  # fmt: skip
        write_midi(folder / f"tune_{i}.mid", notes)
    return folder


@pytest.fixture(scope="module")
def auto_run(high_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    run = tmp_path_factory.mktemp("auto") / "run"
    overrides = {"data.pitch_low": "auto", "data.cache_dir": "none"}  # the Python form
    mvae_core.train([high_dir], run, config=build_config(overrides=TINY), overrides=overrides, plugins=[], epochs=1,
                    progress=False)  # fmt: skip
    return run


def config_of(run: Path) -> dict:
    return tomllib.loads((run / "config.toml").read_text())


def test_a_new_run_chooses_the_rows_once_and_records_the_number(auto_run):
    config = config_of(auto_run)
    assert config["data"]["pitch_low"] == LOW  # what generate, serve, evaluate, export and a resume read
    assert config["provenance"]["pitch_low"] == "auto"  # that it was chosen
    report = json.loads((auto_run / "data_report.json").read_text())
    assert report["chosen_pitch_low"] == LOW and report["totals"]["folded"] == 0
    assert mvae_core.generate(auto_run, random=1, seed=1).config.data.pitch_low == LOW  # pitch = LOW + row


def test_the_console_says_the_rows_were_chosen(high_dir, tmp_path, capsys):
    mvae_core.train([high_dir], tmp_path / "run", overrides=AUTO, plugins=[], epochs=1)
    table = re.sub(r"[│\s]+", " ", capsys.readouterr().out)  # the summary table's cells, unwrapped
    assert f'pitch rows MIDI {LOW} .. {HIGH}, chosen from the data (data.pitch_low = "auto")' in table


def test_a_resume_never_chooses_again(auto_run, monkeypatch, tmp_path):
    def choose(*args, **kwargs):
        raise AssertionError("a resume chose the rows again")

    monkeypatch.setattr(mvae_core.data.load, "fewest_outside", choose)
    crashed = Path(shutil.copytree(auto_run, tmp_path / "crashed"))
    result = mvae_core.train(out=auto_run, resume=True, epochs=2, progress=False)
    assert result.epochs_run == 2
    config = config_of(auto_run)
    assert (config["data"]["pitch_low"], config["provenance"]["pitch_low"]) == (LOW, "auto")
    for name in ("checkpoint.pt", "metrics.jsonl", "model.safetensors"):  # killed before its first checkpoint
        (crashed / name).unlink()
    mvae_core.train(out=crashed, resume=True, progress=False)  # starts over with its config.toml: no choice again
    config = config_of(crashed)
    assert (config["data"]["pitch_low"], config["provenance"]["pitch_low"]) == (LOW, "auto")


def test_a_fine_tune_keeps_the_rows_of_its_weights(auto_run, synth_dir, tmp_path):
    reporter = _Notes()
    mvae_core.train([synth_dir], tmp_path / "tuned", overrides=AUTO, plugins=[], epochs=1, init_from=auto_run,
                    progress=reporter)  # fmt: skip
    notes = " ".join(reporter.notes)
    config = config_of(tmp_path / "tuned")
    assert config["data"]["pitch_low"] == LOW and "pitch_low" not in config["provenance"]
    assert f'data.pitch_low = "auto" keeps the rows of the weights it starts from, MIDI {LOW} .. {HIGH}' in notes
    alone = DataConfig(cache_dir="none", pitch_low="auto")  # the fine-tune's data alone would choose other rows
    assert mvae_core.data.load.load_dataset([str(synth_dir)], alone, jobs=1)[1].chosen_pitch_low != LOW


class _Notes:
    """A reporter that keeps the notes a run says."""

    def __init__(self) -> None:
        self.notes: list[str] = []

    def data(self, *args) -> None:
        pass

    def note(self, message: str, level: str = "info") -> None:
        self.notes.append(str(message))

    def event(self, event) -> None:
        pass

    def training(self, epochs, first_epoch):
        import contextlib

        return contextlib.nullcontext(lambda record: None)


@pytest.mark.parametrize("value", ["high", "'Auto'", "55.5", "true", "128"])
def test_another_value_is_refused_naming_the_field_and_both_forms(value, high_dir, tmp_path):
    result = CliRunner().invoke(app, ["train", str(high_dir), "--set", f"data.pitch_low={value}", "--out",
                                      str(tmp_path / "r")])  # fmt: skip
    assert result.exit_code == 2
    said = " ".join(result.output.split())
    assert "data.pitch_low" in said and 'a whole number 0-127 (the MIDI pitch of row 0) or "auto"' in said
    assert not (tmp_path / "r").exists()


def test_the_setting_takes_auto_in_every_form(tmp_path):
    file = tmp_path / "c.toml"
    file.write_text('[data]\npitch_low = "auto"\npitch_classes = 128\n')  # the sum is checked for numbers only
    assert build_config(file).data.pitch_low == "auto"
    assert build_config(overrides=["data.pitch_low=auto"]).data.pitch_low == "auto"
    assert build_config(overrides=['data.pitch_low="auto"']).data.pitch_low == "auto"
    assert build_config(base={"data": {"pitch_low": 50}}).data.pitch_low == 50
    with pytest.raises(ConfigError, match=r"data.pitch_low = 'none': must be a whole number 0-127"):
        mvae_core.train([tmp_path], tmp_path / "run", overrides={"data.pitch_low": "none"}, progress=False)
    with pytest.raises(ValueError, match="chosen from the data as load_dataset reads it"):
        DataConfig(pitch_low="auto").parse_key()  # no cache key holds "auto"


def test_inspect_reads_the_data_at_the_rows_a_run_would_choose(high_dir):
    runner = CliRunner()
    chosen = runner.invoke(app, ["data", "inspect", str(high_dir), "--set", "data.pitch_low=auto", "--set",
                                 "data.cache_dir=none", "--json"])  # fmt: skip
    assert chosen.exit_code == 0, chosen.output
    summary = json.loads(chosen.output)["summary"]
    assert (summary["chosen_pitch_rows"], summary["folded"], summary["pitch_range"]) == ([LOW, HIGH], 0, [LOW, HIGH])
    given = json.loads(runner.invoke(app, ["data", "inspect", str(high_dir), "--set", "data.cache_dir=none",
                                           "--set", "data.pitch_low=48", "--json"]).output)["summary"]  # fmt: skip
    assert given["chosen_pitch_rows"] is None and given["folded"] > 0
