"""The JavaScript host plays `mvae generate --seed S`'s loop: `seededRandom(seed, index)` draws numpy's
`default_rng([seed, index]).random()` numbers bit for bit, and `node onnx_host.mjs … --seed S` prints generate's
notes, as `examples/onnx_host.py --seed S` does. Before, the JavaScript host took no seed (`unknown argument
--seed`) and drew from Math.random, so a loop chosen with `mvae generate` or the Python host could not be played
again in a browser or a Max [node.script]."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import mvae_core
from mvae_core import DecodeOptions
from mvae_core.loop_file import MIDI_RESOLUTION
from tests.side_by_side import run_together

ROOT = Path(__file__).resolve().parents[1]
JS_HOST = ROOT / "examples" / "onnx_host_js"
PYTHON_HOST = ROOT / "examples" / "onnx_host.py"
NODE = shutil.which("node")
DRAWS = 64

pytestmark = pytest.mark.skipif(NODE is None, reason="Node.js is not installed (apt-get install nodejs npm)")

SEEDS = [(0, 0), (3, 0), (123, 5), (2**32 + 7, 1), (2**53 - 1, 2**40)]
"""(seed, index): numpy's SeedSequence takes a number over 32 bits as several words, and an index as more entropy."""


def node_module(script: str) -> str:
    """What ``script`` (an ES module) prints, run by Node.js."""
    done = subprocess.run([NODE, "--input-type=module", "-e", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_seeded_random_draws_the_numbers_numpy_draws():
    pairs = ", ".join(f"[{seed}n, {index}n]" for seed, index in SEEDS)
    printed = node_module(f"""
    import {{ seededRandom }} from {json.dumps(str(JS_HOST / "onnx_host.mjs"))};
    const drawn = [{pairs}].map(([seed, index]) => {{
      const random = seededRandom(seed, index);
      return Array.from({{ length: {DRAWS} }}, () => random());
    }});
    const refusals = [];
    for (const seed of [-1, 2.5, "3"]) {{
      try {{ seededRandom(seed); refusals.push("drew"); }} catch (error) {{ refusals.push(error.message); }}
    }}
    console.log(JSON.stringify({{ drawn, refusals, small: seededRandom(3)() }}));
    """)
    answer = json.loads(printed)
    for (seed, index), drawn in zip(SEEDS, answer["drawn"], strict=True):
        assert drawn == np.random.default_rng([seed, index]).random(DRAWS).tolist(), (seed, index)
    assert answer["small"] == np.random.default_rng([3, 0]).random()  # a plain Number seed, index 0 by default
    assert answer["refusals"] == [
        "seed must be a whole number >= 0, got -1",
        "seed must be a whole number >= 0, got 2.5",
        'seed must be a whole number >= 0, got "3"',
    ]


@pytest.mark.skipif(
    not (JS_HOST / "node_modules" / "onnxruntime-node").is_dir(),
    reason=f"the JavaScript host's packages are not installed: run `npm ci --ignore-scripts` in {JS_HOST}",
)
def test_the_javascript_command_with_a_seed_plays_the_notes_generate_writes(tiny_run, tiny_export):
    """The same notes as generate's (pitch, velocity, grid step), at the Python host's times within 2e-6 s, and at
    generate's within one MIDI tick at these knobs: the file rounds each start to the nearest tick, the hosts do not
    (the docs' bound is 1.5 ticks: a held note's 20 ms gap, rounded up to whole ticks, can add more at a grid offset
    of 2)."""
    run = mvae_core.load(tiny_run)
    player = run.player()
    seeds = (0, 5)
    knobs = ["--z", "0.5,-1", "--temperature", "0.8", "--density", "1.5", "--tempo", "97", "--grid-offset", "0.7"]
    commands = [[NODE, JS_HOST / "onnx_host.mjs"], [sys.executable, PYTHON_HOST]]
    done = run_together(
        *[[*command, tiny_export, *knobs, "--seed", str(seed)] for seed in seeds for command in commands]
    )
    tick = 60 / 97 / MIDI_RESOLUTION
    for k, seed in enumerate(seeds):
        options = DecodeOptions(seed=seed, temperature=0.8, density=1.5, tempo=97, grid_offset=0.7)
        expected = run.timed(player.notes([0.5, -1.0], options), options)
        assert expected, "the comparison sees notes"
        played, python_played = (
            [json.loads(line) for line in answer.stdout.splitlines()] for answer in done[2 * k : 2 * k + 2]
        )
        assert all(answer.returncode == 0 for answer in done), [answer.stderr for answer in done]
        assert len(played) == len(expected) == len(python_played), seed
        for want, got, python_got in zip(expected, played, python_played, strict=True):
            assert (got["pitch"], got["velocity"], got["step"]) == (want["pitch"], want["velocity"], want["step"])
            for time in ("start", "end"):
                assert got[time] == pytest.approx(python_got[time], abs=2e-6), (seed, got)
                assert got[time] == pytest.approx(want[time], abs=tick), (seed, got, want)
