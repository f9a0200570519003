"""A new run counts loops on both sides of its start line and warns when one long file in validation leaves the model
too few loops to train on (helper-482 finding 1).

With 20 four-loop files and one 30-minute jam, seeds 8, 13 and 16 validated on the jam: 458 of the 530 loops, so the
model trained on 72, and nothing said so. The start line gave train *examples* (transposed copies included) beside
val *loops*, which never add up to the data table's loops, so the imbalance could not be seen there either."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import numpy as np
import pytest
from rich.console import Console
from typer.testing import CliRunner

import mvae_core
from mvae_core import split_notes
from mvae_core.cli import app
from mvae_core.data.load import load_dataset
from mvae_core.data.split import another_split_seed, split_by_source
from mvae_core.errors import TrainingWarning
from mvae_core.progress import ConsoleReporter
from tests.synth import melody_folder, random_melody, write_midi
from tests.training import TINY, tiny_config

SETS = [arg for override in TINY for arg in ("--set", override)]
JAM = "zz_jam.mid"
SHORT_FILES, SHORT_LOOPS, JAM_LOOPS = 20, 4, 150
DOCS = Path(__file__).resolve().parents[1] / "docs"
PAGES = ("quickstart.md", "data.md")


def shape(line: str) -> str:
    """A console line with its numbers and file paths left out, to compare the docs' with the one printed."""
    return re.sub(r"\d+(,\d+)*(\.\d+)?", "N", re.sub(r"from \S+:", "from FILE:", line))


@pytest.fixture(scope="module")
def jam(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """20 files of 4 loops and one of 150 (a long jam), as a musician's folder of clips and one recording."""
    folder = melody_folder(tmp_path_factory.mktemp("jam"), n_files=SHORT_FILES, n_loops=SHORT_LOOPS, seed=7)
    write_midi(folder / JAM, random_melody(np.random.default_rng(1), JAM_LOOPS))
    return folder


def validates_the_jam(folder: Path, seeds: range) -> list[int]:
    """The seeds whose split (of the tests' config) puts the jam into validation."""
    cfg = tiny_config()
    table, _ = load_dataset([str(folder)], cfg.data)
    return [seed for seed in seeds if any(JAM in name for name in split_by_source(table, cfg.data, seed)[1].sources)]


def train(folder: Path, out: Path, seed: int) -> tuple[str, str, list[str]]:
    """``mvae train`` of ``folder`` for one epoch: its stdout and stderr (whitespace runs as one space) and the run's
    validation files."""
    args = ["train", str(folder), "--epochs", "1", "--plugins", "none", *SETS, "--seed", str(seed), "--out", str(out)]
    done = CliRunner().invoke(app, args)
    assert done.exit_code == 0, done.output
    validated = json.loads((out / "split.json").read_text())["validation"]
    return " ".join(done.stdout.split()), " ".join(done.stderr.split()), validated


def test_a_long_file_in_validation_warns_naming_it_and_a_seed_that_trains_on_it(jam: Path, tmp_path: Path) -> None:
    seed = validates_the_jam(jam, range(40))[0]
    out, err, validated = train(jam, tmp_path / "lopsided", seed)
    assert any(JAM in name for name in validated)
    counts = re.search(r"train (\d+) loops \((\d+) examples with transpositions, (\d+) sources\) · val (\d+) loops "
                       r"\((\d+) sources\) · plugins", out)  # fmt: skip
    assert counts, out
    trained, examples, train_files, val_loops, val_files = map(int, counts.groups())
    table_loops = int(re.search(r"loops / notes │ (\d+) /", out)[1])
    assert trained + val_loops == table_loops == SHORT_FILES * SHORT_LOOPS + JAM_LOOPS  # the line adds up
    assert examples > trained and train_files + val_files == SHORT_FILES + 1
    share = 100 * val_loops / table_loops
    advised = re.search(
        rf"warning: validation holds {val_loops} of the {table_loops} loops \({share:.1f}%\), {JAM_LOOPS} of them "
        rf"from \S*{JAM}: the model trains on the other {trained} \({100 - share:.1f}%\), though data.train_fraction "
        r"gives training 83.3% of the files; to train on more, cut that file into shorter ones, or give another seed "
        r"whose split trains on more \(--seed (\d+)\)",
        err,
    )
    assert advised, err
    assert err.count("warning: validation") == 1  # its few validation files are not a second warning
    warning = advised[0]
    start = counts[0].removesuffix(" · plugins")
    quickstart, data = (" ".join((DOCS / page).read_text(encoding="utf-8").split()) for page in PAGES)
    shown = quickstart.split("`warning: validation holds ")[1].split("`")[0]
    assert shape("warning: validation holds " + shown) == shape(warning), shown
    assert shape(data.split("start line counts the loops of both sides, which add up to the data table's (`")[1]
                 .split("`")[0]) == shape(start)  # fmt: skip
    limit = f"under {100 * split_notes.LOPSIDED_TRAINING * 5 / 6:.1f} % of all loops"  # the default train_fraction
    assert limit in quickstart and limit in data
    out, err, validated = train(jam, tmp_path / "advised", int(advised[1]))
    assert not any(JAM in name for name in validated) and "validation holds" not in err


def test_python_gets_the_warning_with_the_python_fix(jam: Path, tmp_path: Path) -> None:
    seed = validates_the_jam(jam, range(40))[0]
    with pytest.warns(TrainingWarning, match=r"validation holds .*\(overrides=\{'train.seed': \d+\}\)"):
        result = mvae_core.train([jam], tmp_path / "run", overrides=[*TINY, f"train.seed={seed}"], epochs=1,
                                 plugins=[], progress=False)  # fmt: skip
    assert any("validation holds" in said for said in result.warnings())


def test_the_few_validation_warning_advises_no_seed_that_validates_on_the_long_file(jam: Path, tmp_path: Path) -> None:
    """A seed whose validation is 3 short files warns of few loops; the seed it advises was the next one whose split
    validates on other files, which could be one that validates on the jam."""
    lopsided = validates_the_jam(jam, range(40))
    seed = next(seed - 1 for seed in lopsided if seed > 0 and seed - 1 not in lopsided)
    cfg = tiny_config(f"train.seed={seed}")
    table, _ = load_dataset([str(jam)], cfg.data)
    assert another_split_seed(table, cfg.data, seed) == seed + 1  # what the old warning advised
    err = train(jam, tmp_path / "few", seed)[1]
    assert "warning: validation is 12 loops from 3 files" in err and "validation holds" not in err
    advised = int(re.search(r"another seed for another split \(--seed (\d+)\)", err)[1])
    assert advised not in lopsided and advised > seed + 1


def test_the_start_line_leaves_out_examples_without_transpositions_and_balanced_splits_say_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(split_notes, "FEW_VALIDATION_LOOPS", 1)  # a small folder: no warning of its few loops either
    monkeypatch.setattr(split_notes, "FEW_VALIDATION_FILES", 1)
    folder = melody_folder(tmp_path / "even", n_files=12, n_loops=5, seed=3)
    shown = io.StringIO()
    reporter = ConsoleReporter(Console(file=shown, width=500, soft_wrap=True), command_line=True)
    overrides = [*TINY, "data.transpositions=[]"]
    mvae_core.train([folder], tmp_path / "run", overrides=overrides, epochs=1, plugins=[], progress=reporter)
    assert "train 50 loops (10 sources) · val 10 loops (2 sources) · plugins" in shown.getvalue()
    assert "warning" not in shown.getvalue()


def test_a_seed_for_a_validation_share_is_one_whose_split_validates_at_most_that_share(jam: Path) -> None:
    cfg = tiny_config()
    table, _ = load_dataset([str(jam)], cfg.data)
    seed = validates_the_jam(jam, range(40))[0]
    assert another_split_seed(table, cfg.data, seed, validating_at_most=1.0) == another_split_seed(
        table, cfg.data, seed
    )
    balanced = another_split_seed(table, cfg.data, seed, validating_at_most=0.5)
    assert balanced is not None
    assert len(split_by_source(table, cfg.data, balanced)[1]) <= 0.5 * table.n_loops
    assert another_split_seed(table, cfg.data, seed, validating_at_most=0.0) is None
