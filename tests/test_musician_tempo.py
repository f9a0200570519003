"""A musician's loops play at the tempo of their data only when they ask: ``mvae generate`` and ``mvae serve`` play at
120 bpm unless given ``--tempo``, and nothing said what the data's tempo was (Chet Baker solos at ~190 bpm played
back at 120, a lazier feel, with no hint). Now the data table has a ``tempo`` row (median and middle 80 % of the
loops' bpm, as ``mvae encode`` gives each loop's), ``data_report.json`` keeps it, and the ``next:`` commands that
``mvae train`` prints add ``--tempo`` when the median is not 120. A run written before keeps its plain commands.

And those ``next:`` commands name a folder not there yet: after a resume, the same ``RUN/samples`` was there, and
the command the tool suggested failed (exit 2, its files already there)."""

from __future__ import annotations

import json
import shlex
import shutil
from pathlib import Path

import mido
import numpy as np
import pytest
from typer.testing import CliRunner

from mvae_core.cli import app, next_steps
from mvae_core.config import build_config
from mvae_core.data.table import NoteTable
from mvae_core.data.tempo import playing_tempo, tempo_row, tempo_summary
from mvae_core.tools.encode import file_loops
from tests.synth import random_melody, write_midi
from tests.training import TINY

runner = CliRunner()


def tempo_folder(folder: Path, tempos: list[float]) -> Path:
    """One file of 4 loops per tempo of ``tempos`` (a constant tempo each)."""
    rng = np.random.default_rng(3)
    for i, bpm in enumerate(tempos):
        write_midi(folder / f"take_{i}.mid", random_melody(rng, 4), tempos=[(0, bpm)])
    return folder


@pytest.fixture(scope="module")
def slow_and_fast(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """16 loops at 97 bpm and 8 at 150: median 97, middle 80 % 97..150."""
    return tempo_folder(tmp_path_factory.mktemp("tempo"), [97.0, 97.0, 97.0, 97.0, 150.0, 150.0])


def inspect(*args: object):
    return runner.invoke(app, ["data", "inspect", *map(str, args)])


def test_data_inspect_gives_the_loops_tempo_as_mvae_encode_gives_each_loops(slow_and_fast: Path) -> None:
    result = inspect(slow_and_fast, "--json")
    assert result.exit_code == 0, result.output
    tempo = json.loads(result.stdout)["summary"]["tempo"]
    assert tempo == {"median": 97.0, "p10": 97.0, "p90": 150.0, "loops": 24, "corpus_loops": 0}
    cfg = build_config(None, TINY)
    encoded = np.concatenate([file_loops(path, cfg).bpm for path in sorted(slow_and_fast.iterdir())])
    assert float(np.median(encoded)) == tempo["median"]  # one rule: encode's bpm per loop


def test_the_tempo_row_names_the_median_its_spread_and_the_tempo_to_play_at(slow_and_fast: Path, wide_console) -> None:
    result = inspect(slow_and_fast)
    assert result.exit_code == 0, result.output
    row = next(line for line in result.stdout.splitlines() if line.startswith("│ tempo "))
    said = " ".join(row.split())
    assert "median 97 bpm, 97–150 for the middle 80 % of the loops" in said
    assert "mvae generate and serve play 120 unless given --tempo 97" in said


def test_data_at_120_bpm_gets_a_tempo_row_without_advice(synth_dir: Path, wide_console) -> None:
    result = inspect(synth_dir)
    assert result.exit_code == 0, result.output
    row = " ".join(next(line for line in result.stdout.splitlines() if line.startswith("│ tempo ")).split())
    assert "median 120 bpm, as are the middle 80 % of the loops" in row
    assert "--tempo" not in row


def table_of(sources: list[str], seconds_per_step: list[float]) -> NoteTable:
    """A table of one loop per source (no notes: the tempo reads loops only)."""
    n = len(sources)
    none = np.zeros(0, np.uint8)
    return NoteTable(
        none, none, none, none.astype(np.float32), none.astype(np.float32), np.zeros(n + 1, np.int64),
        np.arange(n, dtype=np.int32), np.array(seconds_per_step, np.float32), sources,
    )  # fmt: skip


def test_corpus_tunes_are_at_120_by_construction_and_said_so() -> None:
    essen = tempo_summary(table_of(["corpus:essen/a#1", "corpus:essen/a#2"], [0.125, 0.125]))
    assert essen == {"median": 120.0, "p10": 120.0, "p90": 120.0, "loops": 2, "corpus_loops": 2}
    assert tempo_row(essen) == "120 bpm for every loop, by construction: the corpus's ABC tunes carry no tempo"
    mixed = tempo_summary(table_of(["corpus:essen/a#1", "mine.mid", "mine.mid"], [0.125, 60 / 97 / 4, 60 / 97 / 4]))
    assert mixed["median"] == 97.0 and mixed["corpus_loops"] == 1  # the corpus's 120 says nothing of a tempo
    assert "; 1 loop of corpus tunes left out (ABC carries no tempo: 120 bpm by construction)" in tempo_row(mixed)


def test_the_tempo_to_play_at_is_a_whole_bpm_within_what_each_command_takes() -> None:
    assert playing_tempo({"median": 97.5}) == 98
    assert playing_tempo({"median": 120.4}) is None  # the default: nothing to add
    assert playing_tempo({"median": 320.2}) == 320
    assert playing_tempo({"median": 320.2}, (20.0, 300.0)) == 300  # serve's tempo knob ends at 300
    assert playing_tempo(None) is None and playing_tempo({}) is None


def next_command(output: str) -> tuple[list[str], list[str]]:
    """The generate and serve commands of train's ``next:`` line, as argument lists."""
    line = next(line for line in output.splitlines() if line.startswith("next: "))
    generate, serve = line.removeprefix("next: ").split(" (MIDI and WAV loops), or ")
    return shlex.split(generate), shlex.split(serve.split(" (play it")[0])


def test_train_s_next_commands_play_at_the_data_s_tempo_and_run_again_after_a_resume(
    slow_and_fast: Path, tmp_path: Path, wide_console
) -> None:
    run = tmp_path / "run"
    sets = [arg for setting in TINY for arg in ("--set", setting)]
    trained = runner.invoke(app, ["train", str(slow_and_fast), "--epochs", "1", "--out", str(run), *sets])
    assert trained.exit_code == 0, trained.output
    assert json.loads((run / "data_report.json").read_text())["tempo"]["median"] == 97.0
    generate, serve = next_command(trained.stdout)
    assert generate == ["mvae", "generate", str(run), "--random", "8", "--tempo", "97", "--out", str(run / "samples"),
                        "--audio", str(run / "samples")]  # fmt: skip
    assert serve == ["mvae", "serve", str(run), "--tempo", "97"]
    first = runner.invoke(app, generate[1:])
    assert first.exit_code == 0, first.output
    played = mido.MidiFile(next((run / "samples").glob("*.mid")))
    assert [round(mido.tempo2bpm(m.tempo), 3) for t in played.tracks for m in t if m.type == "set_tempo"] == [97.0]

    resumed = runner.invoke(app, ["train", "--resume", str(run), "--epochs", "2"])
    assert resumed.exit_code == 0, resumed.output
    generate, _ = next_command(resumed.stdout)
    assert generate[-3:] == [str(run / "samples-2"), "--audio", str(run / "samples-2")]  # not the folder written
    again = runner.invoke(app, generate[1:])
    assert again.exit_code == 0, again.output  # the suggested command was refused: exit 2, its files already there


def test_a_run_written_before_its_report_kept_the_tempo_plays_at_the_default(tiny_run: Path, tmp_path: Path) -> None:
    report = json.loads((tiny_run / "data_report.json").read_text())
    report["tempo"] = {"median": 97.0, "p10": 97.0, "p90": 97.0, "loops": 24, "corpus_loops": 0}
    run = tmp_path / "run"
    (run).mkdir()
    (run / "data_report.json").write_text(json.dumps(report))
    assert "--tempo 97" in next_steps(run)
    del report["tempo"]
    (run / "data_report.json").write_text(json.dumps(report))
    said = next_steps(run)
    assert "--tempo" not in said
    assert f"--out {run / 'samples'}" in said


def test_each_next_command_after_a_resume_writes_into_a_new_folder(
    tiny_run: Path, tmp_path: Path, wide_console
) -> None:
    """Train more, listen again: every ``next:`` generate command runs (a run at 120 bpm: no --tempo)."""
    run = shutil.copytree(tiny_run, tmp_path / "run")
    written = []
    for epochs in (4, 5, 6):
        resumed = runner.invoke(app, ["train", "--resume", str(run), "--epochs", str(epochs)])
        assert resumed.exit_code == 0, resumed.output
        generate, serve = next_command(resumed.stdout)
        assert "--tempo" not in generate + serve
        result = runner.invoke(app, generate[1:])
        assert result.exit_code == 0, result.output
        written.append(Path(generate[generate.index("--out") + 1]).name)
    assert written == ["samples", "samples-2", "samples-3"]


def test_the_tempo_row_gives_serve_a_tempo_its_knob_takes() -> None:
    """Helper-444 finding 6: data faster than serve's tempo knob (fast bebop, median 320) had the row tell serve to
    take --tempo 320, which it refuses; the row now names serve's own, the end of its knob's range."""
    from mvae_core.serve.knobs import KNOBS

    fast = {"median": 320.0, "p10": 250.0, "p90": 340.0, "loops": 10, "corpus_loops": 0}
    assert tempo_row(fast).endswith(
        "; mvae generate and serve play 120 unless given --tempo 320 (serve: --tempo 300, its tempo knob's highest)"
    )
    assert KNOBS["tempo"] == (20.0, 300.0)
    slow = {"median": 12.0, "p10": 10.0, "p90": 14.0, "loops": 10, "corpus_loops": 0}
    assert tempo_row(slow).endswith("unless given --tempo 12 (serve: --tempo 20, its tempo knob's lowest)")
    inside = {"median": 179.0, "p10": 170.0, "p90": 190.0, "loops": 10, "corpus_loops": 0}
    assert tempo_row(inside).endswith("; mvae generate and serve play 120 unless given --tempo 179")


def test_bend_suggests_the_data_s_tempo_as_train_does(tiny_run: Path, tmp_path: Path, wide_console) -> None:
    """Helper-444 finding 8c: the bent copy keeps data_report.json, but ``mvae bend``'s generate command ignored its
    tempo, which ``mvae train``'s ``next:`` gives; both now print one command."""
    from mvae_core.cli_tools import generate_command

    run = shutil.copytree(tiny_run, tmp_path / "run")
    report = json.loads((run / "data_report.json").read_text())
    report["tempo"] = {"median": 97.0, "p10": 97.0, "p90": 97.0, "loops": 24, "corpus_loops": 0}
    (run / "data_report.json").write_text(json.dumps(report))
    bent = tmp_path / "bent"
    result = runner.invoke(app, ["bend", str(run), "--sigma", "0.1", "--out", str(bent)])
    assert result.exit_code == 0, result.output
    said = " ".join(result.stdout.split())
    suggested = said.split("generate from it with ", 1)[1].split(". It has", 1)[0]
    assert suggested == generate_command(bent)
    assert shlex.split(suggested)[4:6] == ["8", "--tempo"] and "--tempo 97 --out" in suggested
    assert next_steps(run).startswith(f"next: {generate_command(run)} (MIDI and WAV loops)")
