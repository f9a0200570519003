"""A stop while the data is read says what is kept: with the parse cache on, each file is stored as it is parsed, so
the next run starts from there (the stop said only 'interrupted while reading data', and a musician who stopped a
ten-minute first parse could not know whether it was lost). Reading the data says how long it took."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from mvae_core.cli import app
from mvae_core.config import DataConfig
from mvae_core.data.load import load_dataset, parse_kept
from tests.synth import melody_folder


def test_the_files_parsed_before_a_stop_are_in_the_cache(tmp_path):
    folder = melody_folder(tmp_path / "midi", n_files=6, n_loops=2, seed=1)
    cfg = DataConfig(cache_dir=tmp_path / "cache")

    def stop_after_three(done: int, total: int) -> None:
        if done == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        load_dataset([str(folder)], cfg, jobs=1, progress=stop_after_three)
    _, report = load_dataset([str(folder)], cfg, jobs=1)
    assert (report.cached_units, report.parsed_units) == (3, 3)  # what the stop line promises
    assert parse_kept(cfg) == "; the files parsed so far are in the parse cache, so the next run starts from there"
    assert parse_kept(DataConfig(cache_dir="none")) == ""  # nothing is kept: nothing said


def test_the_summary_says_how_long_reading_the_data_took(synth_dir):
    listed = CliRunner().invoke(app, ["data", "inspect", str(synth_dir), "--json"])
    assert listed.exit_code == 0, listed.output
    seconds = json.loads(listed.stdout)["summary"]["seconds"]
    assert isinstance(seconds, float) and 0 <= seconds < 60
    table = CliRunner().invoke(app, ["data", "inspect", str(synth_dir)], env={"COLUMNS": "120"})
    took = r"(\d+\.\d s|under 0\.1 s)"  # a set read from the cache in milliseconds: not a stuck 0.0
    assert table.exit_code == 0 and re.search(rf" \d+ cached, \d+ parsed, {took} ", table.stdout), table.stdout
