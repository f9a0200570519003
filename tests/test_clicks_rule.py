"""No clicks at high grid offsets: a note that would start less than 20 ms (``MIN_AUDIBLE_SECONDS``, at most half a
step) after the note before it is held back to exactly that gap, so the note before is never cut into a 1–20 ms
click or flam; every other note starts where its offset puts it. The rule is the same in ``mvae generate``'s files
and ``mvae serve``'s loops (both :func:`~mvae_core.loop_file.timed_notes`), the export's sidecar and both ONNX hosts
(examples/onnx_host.py and examples/onnx_host_js/onnx_host.mjs)."""

from __future__ import annotations

import itertools
import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from mvae_core.config import DataConfig, MvaeConfig
from mvae_core.data.loops import STEPS_PER_LOOP
from mvae_core.generation import DecodeOptions, Note
from mvae_core.loop_file import (
    MIN_AUDIBLE_SECONDS,
    MIN_NOTE_TICKS,
    STEP_TICKS,
    loop_notes_json,
    loop_seconds,
    start_tick,
    step_seconds,
    timed_notes,
    written_offset,
)
from mvae_core.run import RunDir
from tests.bench import load_bench

# Rows from MIDI 48, a number (the default, "auto", is chosen as data is read)
CFG = MvaeConfig(data=DataConfig(pitch_low=48))
ROOT = Path(__file__).resolve().parents[1]
JS_HOST = ROOT / "examples" / "onnx_host_js" / "onnx_host.mjs"
NODE = shutil.which("node")
FLAM = [Note(4, 0, 0.8, 0.2, 0.7), Note(5, 7, 0.8, 0.2, -0.6), Note(6, 2, 0.8, 0.2, 0.3)]
"""At grid offset 1.5 the late note on step 4 is at its window's edge (+1 half-step, 120 ticks) and the early one on
step 5 at -0.9 half-steps (108 ticks before its step): 12 ticks (6 ms at 120 bpm) after it, which cut the first note
into a 6 ms click."""


def random_loops(seed: int, count: int = 60) -> list[list[Note]]:
    """``count`` monophonic loops with offsets anywhere in [-1, 1) and durations up to 1.6 steps."""
    rng = np.random.default_rng(seed)
    return [
        [
            Note(int(step), int(rng.integers(24)), 0.8, float(rng.uniform(0.0, 0.1)), float(rng.uniform(-1, 1)))
            for step in np.flatnonzero(rng.random(STEPS_PER_LOOP) < 0.7)
        ]
        for _ in range(count)
    ]


def gap_seconds(tempo: float) -> float:
    return min(MIN_AUDIBLE_SECONDS, step_seconds(tempo) / 2)


def unheld_starts(loop: list[Note], grid_offset: float) -> list[int]:
    """The ticks each note's offset puts it at (the rule holds none back)."""
    return sorted(start_tick(note.step, written_offset(note.timeshift, grid_offset)) for note in loop)


@pytest.mark.parametrize("grid_offset", [1.0, 1.5, 2.0])
@pytest.mark.parametrize("tempo", [60.0, 120.0, 200.0, 300.0])
def test_no_note_is_cut_into_a_click(grid_offset: float, tempo: float) -> None:
    """Two different starts are at least the gap apart, so no note is cut shorter than the gap (20 ms, or half a
    step above 375 bpm): at every tempo and grid offset these loops hold notes the old rule cut shorter."""
    loops = random_loops(seed=int(tempo * 10 + grid_offset * 4))
    gap, tick = gap_seconds(tempo), step_seconds(tempo) / STEP_TICKS
    would_click = sum(
        sum(0 < later - start < gap / tick for start, later in itertools.pairwise(starts))
        for starts in (unheld_starts(loop, grid_offset) for loop in loops)
    )
    assert would_click > 0
    for loop in loops:
        notes = loop_notes_json(timed_notes([loop], CFG, DecodeOptions(grid_offset=grid_offset, tempo=tempo)), tempo)
        starts = sorted({note["start"] for note in notes})
        assert all(later - start >= gap - 2e-6 for start, later in itertools.pairwise(starts))
        cut = [note for note in notes if note["end"] in starts]  # cut where a later note starts
        assert all(note["end"] - note["start"] >= gap - 2e-6 for note in cut)


@pytest.mark.parametrize("grid_offset", [0.0, 0.5, 1.0])
def test_up_to_grid_offset_1_only_a_note_that_would_click_moves(grid_offset: float) -> None:
    """Every note starts where its offset puts it, except one that would start less than the gap after the note
    before it: that one starts exactly the gap after it, still on its step. The learned timing stays as it is."""
    gap_ticks = int(np.ceil(MIN_AUDIBLE_SECONDS / (step_seconds(120.0) / STEP_TICKS)))  # 39 ticks at 120 bpm
    held = kept = 0
    for loop in random_loops(seed=7):
        notes = timed_notes([loop], CFG, DecodeOptions(grid_offset=grid_offset))
        assert [note.step for note in notes] == [note.step for note in loop]
        before = None
        for note, unheld in zip(notes, unheld_starts(loop, grid_offset), strict=True):
            if before is not None and unheld - before < gap_ticks:
                assert note.start == before + gap_ticks
                held += 1
            else:
                assert note.start == unheld
                kept += 1
            before = note.start
    assert kept > 1000 and held == (0 if grid_offset < 1 else 14)  # at grid offset 1: 14 of 1,364 notes move


def test_a_flam_becomes_the_least_audible_gap_and_notes_at_the_edge_keep_their_order() -> None:
    step = STEP_TICKS
    notes = timed_notes([FLAM], CFG, DecodeOptions(grid_offset=1.5))
    assert [note.start for note in notes] == [4 * step + 120, 4 * step + 120 + 39, 6 * step + 54]
    assert notes[0].end == notes[1].start  # 39 ticks: 20.3 ms at 120 bpm, not 6 ms
    edge = timed_notes([FLAM], CFG, DecodeOptions(grid_offset=2.0))  # both at the windows' shared edge: was a dyad
    assert [note.step for note in edge] == [4, 5, 6]
    assert [note.start for note in edge] == [4 * step + 120, 4 * step + 120 + 39, 6 * step + 72]


CHORD_AT_THE_EDGE = [Note(4, 0, 0.8, 0.2, 0.6), Note(5, 7, 0.8, 0.2, -0.6), Note(5, 11, 0.8, 0.2, -0.6)]
"""At grid offset 2 the late note on step 4 and the chord on step 5 all reach the windows' shared edge."""


def test_a_chord_of_one_step_stays_together_held_after_the_step_before() -> None:
    notes = timed_notes([CHORD_AT_THE_EDGE], CFG, DecodeOptions(grid_offset=2.0))
    assert [(note.step, note.start) for note in notes] == [(4, 4 * STEP_TICKS + 120), (5, 4 * STEP_TICKS + 159),
                                                           (5, 4 * STEP_TICKS + 159)]  # fmt: skip
    assert notes[1].end == notes[2].end  # the chord ends together too


@pytest.mark.parametrize("grid_offset", [1.5, 2.0, 4.0])
@pytest.mark.parametrize("tempo", [60.0, 120.0, 240.0, 800.0])
def test_no_two_steps_share_a_start_and_every_note_stays_in_its_window(grid_offset: float, tempo: float) -> None:
    """Above grid offset 1 a late note and an early note of the next step met at their windows' shared edge and
    sounded as a dyad (at grid offset 2, 2 in 5 of these loops); now the later note starts the gap after the
    earlier one, still inside its own step's window (half a step either side of its step), in the melody's order."""
    loops = random_loops(seed=int(tempo + grid_offset * 4), count=30)
    met = sum(len(starts) > len(set(starts)) for starts in (unheld_starts(loop, grid_offset) for loop in loops))
    assert met > 0
    for loop in loops:
        notes = timed_notes([loop], CFG, DecodeOptions(grid_offset=grid_offset, tempo=tempo))
        assert [note.step for note in notes] == [note.step for note in loop]  # ordered by start: the melody's order
        assert len({note.start for note in notes}) == len(notes)
        assert all(abs(note.start - note.step * STEP_TICKS) <= STEP_TICKS // 2 for note in notes if note.step > 0)


MSE_CHORD = [Note(31, row, 0.8, 0.1, offset) for row, offset in enumerate((0.9, 0.92, 0.94, 0.96))]
"""A chord late on the last step whose notes have offsets of their own (the ``mse`` timing head's): held 20 ms
apart, it was strummed over 60 ms and its last note cut to 15 ticks (7.8 ms) at the file's end."""


def test_a_chord_whose_notes_have_offsets_of_their_own_starts_together() -> None:
    notes = timed_notes([MSE_CHORD], CFG, DecodeOptions())
    assert {note.start for note in notes} == {31 * STEP_TICKS + 108}
    assert all(note.end - note.start >= 39 for note in notes)
    spread = [Note(8, 0, 0.8, 0.1, -0.8), Note(8, 5, 0.8, 0.1, -0.1), Note(8, 9, 0.8, 0.1, -0.05)]
    starts = [note.start for note in timed_notes([spread], CFG, DecodeOptions())]
    assert starts == [8 * STEP_TICKS - 96, 8 * STEP_TICKS - 12, 8 * STEP_TICKS - 12]  # 84 ticks apart: two onsets


def random_chords(seed: int, count: int = 20) -> list[list[Note]]:
    """``count`` loops of chords of 1-4 notes whose offsets differ by up to 0.2 half-steps (the ``mse`` head's)."""
    rng = np.random.default_rng(seed)
    return [
        [
            Note(
                int(step),
                int(row),
                0.8,
                float(rng.uniform(0.0, 0.05)),
                float(np.clip(base + rng.uniform(0, 0.2), -1, 0.999)),
            )
            for step in np.flatnonzero(rng.random(STEPS_PER_LOOP) < 0.6)
            for base in [rng.uniform(-1, 1)]
            for row in rng.choice(24, size=rng.integers(1, 5), replace=False)
        ]
        for _ in range(count)
    ]


@pytest.mark.parametrize("grid_offset", [1.0, 2.0])
@pytest.mark.parametrize("tempo", [120.0, 240.0, 800.0])
def test_chords_keep_every_start_in_its_window_and_no_note_under_the_gap(grid_offset: float, tempo: float) -> None:
    gap, tick = gap_seconds(tempo), step_seconds(tempo) / STEP_TICKS
    for loop in random_chords(seed=int(tempo * grid_offset)):
        timed = timed_notes([loop], CFG, DecodeOptions(grid_offset=grid_offset, tempo=tempo))
        assert all(abs(note.start - note.step * STEP_TICKS) <= STEP_TICKS // 2 for note in timed if note.step > 0)
        assert all((note.end - note.start) * tick >= gap - 2e-6 for note in timed)
        onsets = sorted({(note.start, note.step) for note in timed})
        assert all((b - a) * tick >= gap - 2e-6 for (a, _), (b, _) in itertools.pairwise(onsets))


SHORTEST = [Note(0, 0, 0.8, 0.0, -1.0), Note(2, 5, 0.8, 0.0, 0.0), Note(31, 3, 0.8, 0.0, 1.0)]
"""Notes of the shortest decoded duration: pulled early on the first step, on the grid, pushed late on the last."""


@pytest.mark.parametrize("tempo", [140.0, 180.0, 240.0, 375.0, 800.0])
def test_no_note_lasts_less_than_the_gap_at_fast_tempos(tempo: float) -> None:
    """A note lasted at least 1/8 step, under 20 ms above 94 bpm: a short decoded duration was written as a click
    (7.8 ms at 240 bpm). Now every note lasts at least the gap, however short its duration, the last step's late
    note too, and none sounds past the loop's end."""
    for grid_offset in (1.0, 2.0):
        for loop in [SHORTEST, *random_loops(seed=int(tempo), count=10)]:
            options = DecodeOptions(grid_offset=grid_offset, tempo=tempo)
            notes = loop_notes_json(timed_notes([loop], CFG, options), tempo)
            assert all(note["end"] - note["start"] >= gap_seconds(tempo) - 2e-6 for note in notes)
            assert max(note["end"] for note in notes) <= loop_seconds(tempo) + 1e-6


def test_below_94_bpm_the_shortest_note_is_still_an_eighth_of_a_step() -> None:
    for tempo in (60.0, 93.0):
        notes = timed_notes([SHORTEST], CFG, DecodeOptions(tempo=tempo))
        assert [note.end - note.start for note in notes] == [MIN_NOTE_TICKS] * 3  # 31.25 ms at 60 bpm, unchanged


HOST_CASES = [(1.0, 97.0), (1.5, 120.0), (2.0, 250.0), (2.0, 800.0)]
"""(grid offset, bpm) at which the hosts time notes: at 800 bpm a step lasts 18.75 ms and the gap is half a step."""


def host_loops(tiny_run: Path) -> list[list[Note]]:
    """Loops with notes that would click, on the rows of ``tiny_run``'s model."""
    rows = RunDir(tiny_run).read_config().data.pitch_classes
    loops = [*random_loops(seed=11, count=6), FLAM, MSE_CHORD]
    return [[note._replace(row=note.row % rows) for note in loop] for loop in loops]


@pytest.mark.parametrize(("grid_offset", "bpm"), HOST_CASES)
def test_the_python_host_and_the_sidecar_hold_notes_as_generate_does(tiny_run, tiny_export, grid_offset, bpm):
    """examples/onnx_host.py times notes as generate writes them, held notes and the shortest notes too, and the
    sidecar's start rule says so: within 1.5 ticks, as a file rounds a start to the nearest tick and the gap (a held
    start, the shortest length) up to whole ticks, so that it is never under 20 ms."""
    module = load_bench("onnx_host_check.py").load_host()  # examples/onnx_host.py as a module
    host = module.open_host(tiny_export)
    decode = " ".join(host.sidecar["decode"])
    assert "min(0.02 s, seconds_per_step / 2)" in decode and "a note never starts with one of an earlier step" in decode
    assert "seconds_per_step / 8, min(0.02 s, seconds_per_step / 2))" in decode  # the least length: the gap too
    assert module.MIN_AUDIBLE_SECONDS == MIN_AUDIBLE_SECONDS
    cfg, tick = RunDir(tiny_run).read_config(), step_seconds(bpm) / STEP_TICKS
    for notes in host_loops(tiny_run):
        written = loop_notes_json(timed_notes([notes], cfg, DecodeOptions(grid_offset=grid_offset, tempo=bpm)), bpm)
        played = host.timed([module.GridNote(*note) for note in notes], bpm, grid_offset)
        assert [n["step"] for n in played] == [n["step"] for n in written]
        for field in ("start", "end"):
            np.testing.assert_allclose([n[field] for n in played], [n[field] for n in written], rtol=0, atol=1.5 * tick)
        starts = sorted({n["start"] for n in played})
        assert all(b - a >= gap_seconds(bpm) - 2e-6 for a, b in itertools.pairwise(starts))


@pytest.mark.skipif(NODE is None, reason="Node.js is not installed (apt-get install nodejs npm; .ci/run does)")
@pytest.mark.skipif(
    not (JS_HOST.parent / "node_modules" / "onnxruntime-node").is_dir(),
    reason=f"the JavaScript host's packages are not installed: run `npm ci --ignore-scripts` in {JS_HOST.parent}",
)
def test_the_javascript_host_holds_notes_as_the_python_host_does(tiny_run, tiny_export):
    module = load_bench("onnx_host_check.py").load_host()
    host = module.open_host(tiny_export)
    loops = host_loops(tiny_run)
    script = (
        f"import {{ openNodeHost }} from {json.dumps(JS_HOST.as_uri())};"
        "let input = ''; for await (const chunk of process.stdin) input += chunk;"
        "const r = JSON.parse(input); const host = await openNodeHost(r.onnx);"
        "console.log(JSON.stringify(r.cases.map(([notes, tempo, gridOffset]) => host.timed(notes, { tempo, gridOffset }))));"
    )
    cases = [([module.GridNote(*note) for note in loop], bpm, grid_offset) for grid_offset, bpm in HOST_CASES
             for loop in loops]  # fmt: skip
    request = json.dumps({"onnx": str(tiny_export), "cases": [([vars(n) for n in grid], *at) for grid, *at in cases]})
    done = subprocess.run([NODE, "--input-type=module", "-e", script], input=request, capture_output=True, text=True,
                          timeout=60)  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    for (grid, bpm, grid_offset), in_js in zip(cases, json.loads(done.stdout), strict=True):
        played = host.timed(grid, bpm, grid_offset)
        assert [n["step"] for n in in_js] == [n["step"] for n in played]
        for field in ("start", "end"):
            np.testing.assert_allclose([n[field] for n in in_js], [n[field] for n in played], rtol=0, atol=2e-6)
        starts = sorted({n["start"] for n in in_js})
        assert all(b - a >= gap_seconds(bpm) - 2e-6 for a, b in itertools.pairwise(starts))


def test_the_docs_give_the_rule_with_its_number() -> None:
    live = " ".join((ROOT / "docs" / "live.md").read_text(encoding="utf-8").split())
    tools = " ".join((ROOT / "docs" / "tools.md").read_text(encoding="utf-8").split())
    ms = f"{MIN_AUDIBLE_SECONDS * 1000:g}"
    assert f"less than **{ms} ms** after the note before it" in live and f"starts {ms} ms after it" in live
    assert f"`min({MIN_AUDIBLE_SECONDS:g} s, seconds_per_step / 2)`" in tools
