"""The command examples of README.md and docs/ that take seconds on a tiny run run as shown, in the order a page shows
them, in a folder laid out as the page assumes (``runs/solos`` a trained run, ``~/midi/my-solos`` MIDI files, ...),
and write the files and print the lines the page promises.

tests/test_docs_commands.py checks the options of every documented command line without running it; the trainings
on real data, ablations, benchmarks, torchrun, Ray and Slurm lines stay that way (minutes each). Each line here is
read from its page (found by its start), so an edit of the page is run as edited. A page's run is the session's tiny
run copied under the names the page uses; ``~`` is a folder of the test's; a server binds a free port instead of the
page's 8000 and 9000 (tests never take fixed ports), and ``.venv/bin/python examples/…`` runs this checkout's script
with this interpreter."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import wave
from pathlib import Path

import mido
import pytest
from typer.testing import CliRunner, Result

from mvae_core.audio import RELEASE_SECONDS
from mvae_core.cli import app
from tests.interrupt import serving
from tests.synth import melody_folder
from tests.test_docs_commands import shell_blocks, words

ROOT = Path(__file__).resolve().parents[1]
RUN_NAMES = ("solos", "demo", "wjd-tools", "all-fixes", "no-fixes", "melody_rnn", "seed")
"""The names the pages give a trained run under ``runs/``: each a copy of the tiny run."""
LOOP_SECONDS = 4.0
"""One 2-bar loop of 4/4 at generate's default 120 bpm."""


def shown(page: str, start: str) -> str:
    """The line of ``page``'s shell blocks (continuations joined, a ``$ `` prompt cut) whose command (comment cut) is
    ``start``, or else the one that starts with ``start``."""
    text = (ROOT / page).read_text(encoding="utf-8")
    lines = [
        line.strip().removeprefix("$ ")
        for block in shell_blocks(text)
        for line in block.replace("\\\n", " ").splitlines()
    ]
    found = [line for line in lines if " ".join(words(line)) == start] or [
        each for each in lines if each.startswith(start)
    ]
    assert len(found) == 1, f"{page} shows {len(found)} lines starting with {start!r}"
    return found[0]


def arguments(line: str, home: Path) -> list[str]:
    """The words of a shown line as its shell passes them: leading ``VAR=value`` assignments dropped, a comment cut
    off, ``~`` as ``home``."""
    tokens = words(re.sub(r"^(\S+=\S+ )+", "", line))
    return [str(home) + token[1:] if token.startswith("~/") else token for token in tokens]


def mvae(line: str, home: Path) -> Result:
    """Run a shown ``mvae …`` (or ``.venv/bin/mvae …``) line in this process; it must exit 0."""
    command, *args = arguments(line, home)
    assert command in ("mvae", ".venv/bin/mvae"), line
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, f"`{line}` exited {result.exit_code}: {result.output}"
    return result


def python(line: str, home: Path) -> str:
    """Run a shown ``python …`` line with this interpreter (a script of ``examples/`` from this checkout); it must
    exit 0. Returns its stdout."""
    command, *args = arguments(line, home)
    assert command in ("python", "python3", ".venv/bin/python"), line
    if args[0] != "-c":
        args[0] = str(ROOT / args[0])
    done = subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"`{line}` exited {done.returncode}: {done.stderr}"
    return done.stdout


def seconds(midi: Path) -> float:
    return mido.MidiFile(midi).length


def wav_seconds(path: Path) -> float:
    with wave.open(str(path)) as audio:
        return audio.getnframes() / audio.getframerate()


def onsets_on_the_grid(midi: Path) -> bool:
    """Every note of ``midi`` starts on a 16th."""
    file = mido.MidiFile(midi)
    sixteenth, now, starts = file.ticks_per_beat // 4, 0, []
    for message in mido.merge_tracks(file.tracks):
        now += message.time
        if message.type == "note_on" and message.velocity > 0:
            starts.append(now)
    return bool(starts) and all(start % sixteenth == 0 for start in starts)


@pytest.fixture(scope="module")
def layout(tiny_run: Path, synth_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder the pages assume, built once: ``runs/<name>`` for every run name they use, ``home/midi/…`` MIDI
    folders, loose MIDI files, and an ONNX export of the run."""
    folder = tmp_path_factory.mktemp("docs-run-layout")
    for name in RUN_NAMES:
        shutil.copytree(tiny_run, folder / "runs" / name)
    shutil.copytree(synth_dir, folder / "home" / "midi" / "my-solos")
    melody_folder(folder / "home" / "midi" / "other-solos", n_files=2, n_loops=4, seed=7)
    melody_folder(folder / "held-out", n_files=2, n_loops=4, seed=8)
    two = melody_folder(folder / "takes", n_files=2, n_loops=4, seed=9)
    first, second = sorted(two.glob("*.mid"))
    for name, source in (("take3.mid", first), ("a.mid", first), ("b.mid", second), ("my_solo.mid", first)):
        shutil.copy(source, folder / name)
    return folder


@pytest.fixture
def reader(layout: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh copy of the layout as the working folder (a page's commands write under names another page uses)."""
    folder = tmp_path / "reader"
    shutil.copytree(layout, folder)
    monkeypatch.chdir(folder)
    return folder


def test_readme_usage_runs_as_shown(reader):
    home = reader / "home"
    inspected = mvae(shown("README.md", ".venv/bin/mvae data inspect ~/midi/my-solos"), home)
    assert "sources used" in inspected.stdout
    mvae(shown("README.md", ".venv/bin/mvae generate runs/solos --random 8 --seed 1"), home)
    assert len(list((reader / "runs/solos/take2").glob("*.mid"))) == 8
    mvae(shown("README.md", ".venv/bin/mvae generate runs/solos --z 0.5,-1 --grid-offset 0"), home)
    assert onsets_on_the_grid(reader / "quantized.mid")
    mvae(shown("README.md", ".venv/bin/mvae generate runs/solos --random 4 --loops 4"), home)
    phrases = sorted((reader / "runs/solos/phrases").glob("*.mid"))
    assert len(phrases) == 4 and all(seconds(phrase) == pytest.approx(4 * LOOP_SECONDS) for phrase in phrases)
    mvae(shown("README.md", ".venv/bin/mvae generate runs/solos --z 0.5,-1 --out loop.mid --audio"), home)
    assert seconds(reader / "loop.mid") == pytest.approx(LOOP_SECONDS)
    assert wav_seconds(reader / "loop.wav") == pytest.approx(LOOP_SECONDS + RELEASE_SECONDS, abs=0.01)
    scored = mvae(shown("README.md", ".venv/bin/mvae evaluate runs/solos ~/midi/other-solos"), home)
    assert "density_ratio" in scored.stdout


def test_quickstart_runs_as_shown(reader):
    home = reader / "home"
    assert "sources used" in mvae(shown("docs/quickstart.md", "mvae data inspect ~/midi/my-solos"), home).stdout
    mvae(shown("docs/quickstart.md", "mvae generate runs/solos --random 8 --seed 1"), home)
    assert len(list((reader / "runs/solos/take2").glob("*.mid"))) == 8
    for options, name in (("", "pad"), ("--grid-offset 0 ", "q"), ("--grid-offset 2 ", "x")):
        mvae(shown("docs/quickstart.md", f"mvae generate runs/solos --z 0.5,-1 {options}--out {name}.mid"), home)
        assert seconds(reader / f"{name}.mid") == pytest.approx(LOOP_SECONDS)
    assert onsets_on_the_grid(reader / "q.mid")
    mvae(shown("docs/quickstart.md", "mvae generate runs/solos --z 0.5,-1 --out pad2.mid --audio pad2.wav"), home)
    assert wav_seconds(reader / "pad2.wav") == pytest.approx(LOOP_SECONDS + RELEASE_SECONDS, abs=0.01)
    finished = mvae(shown("docs/quickstart.md", "mvae train --resume runs/solos"), home)  # the tiny run: all done
    assert "runs/solos has finished its 3 epochs" in finished.output
    mvae(shown("docs/quickstart.md", "mvae train ~/midi/my-solos --config runs/solos/config.toml"), home)
    assert (reader / "runs/solos-2/model.safetensors").is_file()
    assert "lr = 0.0003" in (reader / "runs/solos-2/config.toml").read_text(encoding="utf-8")
    readme = shown("README.md", ".venv/bin/mvae evaluate runs/solos")  # run by the README's test
    assert words(shown("docs/quickstart.md", "mvae evaluate runs/solos")) == words(readme.removeprefix(".venv/bin/"))


def test_tools_md_runs_as_shown(reader, tiny_export):
    home = reader / "home"
    page = "docs/tools.md"
    assert mvae(shown(page, ".venv/bin/mvae map runs/wjd-tools"), home).stdout.startswith("docs/figures/tools_map.png")
    mvae(shown(page, ".venv/bin/mvae plot runs/wjd-tools"), home)
    assert (reader / "docs/figures/tools_curves.png").is_file()
    assert "│" in mvae(shown(page, "mvae encode runs/solos take3.mid"), home).stdout
    encoded = json.loads(mvae(shown(page, "mvae encode runs/solos take3.mid --json"), home).stdout)
    assert set(encoded) == {"run", "file", "latent_dim", "loops"}
    mvae(shown(page, "mvae interpolate runs/solos --from -1.5,0 --to 1.5,0.5 --steps 8"), home)
    assert len(list((reader / "morph").glob("*.mid"))) == 8
    mvae(shown(page, "mvae interpolate runs/solos --from-midi a.mid --to-midi b.mid"), home)
    assert seconds(reader / "morph-ab/interpolation.mid") == pytest.approx(6 * LOOP_SECONDS)
    mvae(shown(page, "mvae interpolate runs/solos --from -1.5,0 --to 1.5,0.5 --one-file --out morph2/"), home)
    loops = sorted((reader / "morph2").glob("0*.mid"))
    assert [wav.stem for wav in sorted((reader / "morph2").glob("0*.wav"))] == [loop.stem for loop in loops]
    assert wav_seconds(reader / "morph2/interpolation.wav") == pytest.approx(
        len(loops) * LOOP_SECONDS + RELEASE_SECONDS, abs=0.01
    )
    mvae(shown(page, "mvae bend runs/solos --sigma 0.2"), home)
    mvae(shown(page, "mvae generate runs/solos-bent --random 8"), home)
    assert len(list((reader / "bent-samples").glob("*.mid"))) == 8
    assert "(7×7 cells" in mvae(shown(page, "mvae map runs/solos --out map.png"), home).stdout
    assert "(11×11 cells" in mvae(shown(page, "mvae map runs/solos --out map.png --grid 11"), home).stdout
    mvae(shown(page, ".venv/bin/mvae plot runs/all-fixes runs/no-fixes --out compare.png"), home)
    python(shown(page, '.venv/bin/python -c "from PIL import Image'), home)
    assert (reader / "docs/figures/tools_plot_compare.png").is_file()
    for file in (tiny_export, tiny_export.with_suffix(".json")):  # mvae export's files (conftest runs the line)
        shutil.copy(file, reader / file.name)
    played = python(shown(page, ".venv/bin/python examples/onnx_host.py decoder.onnx --z 0.5,-1 --seed 0"), home)
    assert all(set(json.loads(line)) >= {"pitch", "start", "end"} for line in played.splitlines())


def test_live_md_generate_runs_as_shown(reader):
    home = reader / "home"
    mvae(shown("docs/live.md", ".venv/bin/mvae generate runs/demo --random 4 --loops 2 --tempo 96"), home)
    files = sorted((reader / "loops").glob("*.mid"))
    assert len(files) == 4 and all(seconds(file) == pytest.approx(2 * LOOP_SECONDS * 120 / 96) for file in files)
    mvae(shown("docs/live.md", ".venv/bin/mvae generate runs/demo --z 0.5,-1 --out loop.mid --audio"), home)
    assert wav_seconds(reader / "loop.wav") == pytest.approx(LOOP_SECONDS + RELEASE_SECONDS, abs=0.01)


def test_evaluation_md_runs_as_shown(reader):
    home = reader / "home"
    page = "docs/evaluation.md"
    mvae(shown(page, "OMP_NUM_THREADS=2 mvae train ~/midi/my-solos --config runs/solos/config.toml"), home)
    assert (reader / "runs/solos-again/model.safetensors").is_file()
    assert "paired interval" in mvae(shown(page, "mvae evaluate runs/melody_rnn held-out/ --against"), home).stdout


def test_the_listings_run_as_shown(reader):
    home = reader / "home"
    assert "melody_rnn" in mvae(shown("docs/models.md", "mvae models"), home).stdout
    assert "kl_anneal" in mvae(shown("docs/plugins.md", "mvae plugins"), home).stdout
    assert {"kl_anneal", "ts_ramp"} <= {
        p["name"] for p in json.loads(mvae(shown("docs/plugins.md", "mvae plugins --json"), home).stdout)
    }
    for page, start in (
        ("docs/builtin_plugins.md", "mvae schedules preview cyclical"),
        ("docs/builtin_plugins.md", "mvae schedules preview step"),
        ("docs/schedules.md", "mvae schedules preview linear --epochs 8"),
    ):
        assert "epoch" in mvae(shown(page, start), home).stdout


@pytest.mark.skipif(shutil.which("curl") is None, reason="no curl here")
def test_live_md_serve_starts_and_answers_its_curl_lines(reader):
    """``mvae serve runs/demo`` on a free port (``--port 0``), then live.md's three curl lines at that port."""
    home = reader / "home"
    _, *args = arguments(shown("docs/live.md", ".venv/bin/mvae serve runs/demo"), home)
    with serving([*args, "--port", "0"]) as printed:
        address = re.search(r"page and API: http://(127\.0\.0\.1:\d+)/", "\n".join(printed))
        assert address, printed
        answers = {}
        for endpoint in ("generate", "midi", "encode"):
            line = shown("docs/live.md", f"curl -s -X POST http://127.0.0.1:8000/api/{endpoint} ")
            curl = [word.replace("127.0.0.1:8000", address.group(1)) for word in arguments(line, home)]
            done = subprocess.run(curl, capture_output=True, text=True, timeout=60)
            assert done.returncode == 0, f"`{line}` exited {done.returncode}: {done.stderr}"
            answers[endpoint] = done.stdout
    assert json.loads(answers["generate"])["notes"]
    assert seconds(reader / "loop.mid") == pytest.approx(LOOP_SECONDS)
    assert json.loads(answers["encode"])["loops"]
