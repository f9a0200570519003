"""The two ONNX hosts of examples/ have one command line: ``python examples/onnx_host.py`` and ``node
examples/onnx_host_js/onnx_host.mjs`` take the same options (:data:`OPTIONS`, pinned here once) with the same
defaults, print the same help, and refuse the same bad input with the same one line on stderr (naming the option and
what it takes), exit 2. Before, the tempo was ``--bpm`` in the hosts and ``--tempo`` in ``mvae generate`` and ``mvae
serve``; the Python host took ``--density=1``, ``--z 0.5 -1`` and abbreviations (``--dens``) the JavaScript host
refused, and the two refused a bad value in different words (argparse's ``invalid float value: 'x'`` against ``not a
number, got "x"``), the JavaScript host without its name in front."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from tests.bench import load_bench
from tests.side_by_side import run_together

ROOT = Path(__file__).resolve().parents[1]
PYTHON_HOST = ROOT / "examples" / "onnx_host.py"
JS_FOLDER = ROOT / "examples" / "onnx_host_js"
NODE = shutil.which("node")
needs_node = pytest.mark.skipif(NODE is None, reason="Node.js is not installed (apt-get install nodejs npm)")
needs_packages = pytest.mark.skipif(
    not (JS_FOLDER / "node_modules" / "onnxruntime-node").is_dir(),
    reason=f"the JavaScript host's packages are not installed: run `npm ci --ignore-scripts` in {JS_FOLDER}",
)

OPTIONS = [
    ("--z", "Z", None),
    ("--density", "D", "1"),
    ("--temperature", "T", "1"),
    ("--timing-temperature", "T", "1"),
    ("--grid-offset", "G", "1"),
    ("--tempo", "BPM", "120"),
    ("--seed", "N", None),
    ("--poly", "", None),
    ("--threshold-min", "P", None),
    ("--threshold-max", "P", None),
]
"""Each host's options, in the order of its help: (flag, what its value looks like, its default in the help)."""

LISTED = ", ".join(flag for flag, _, _ in OPTIONS) + ", --help"
BAD_INPUT = [
    (["--z", "0.5,-1", "--bpm", "90"], f'unknown option "--bpm"; did you mean --tempo? (options: {LISTED})'),
    (
        ["--z", "0.5,-1", "--timing_temperature", "0"],
        f'unknown option "--timing_temperature"; did you mean --timing-temperature? (options: {LISTED})',
    ),
    (["--z", "0.5,-1", "--dens", "1"], f'unknown option "--dens" (options: {LISTED})'),
    (["--z", "0.5", "-1", "--tempo", "0"], "--tempo must be between 4 and 1000 bpm, got 0"),
    (["--z", "0.5,-1", "--tempo=1e999"], "--tempo must be between 4 and 1000 bpm, got 1e999"),
    (["--z", "0.5,-1", "--tempo", "inf"], '--tempo must be between 4 and 1000 bpm, got "inf"'),
    (["--z", "0.5,-1", "--tempo="], '--tempo must be between 4 and 1000 bpm, got ""'),
    (["--z", "0.5,-1", "--tempo"], "--tempo needs a value: --tempo BPM, 4 to 1000 bpm"),
    (["--z", "0.5,-1", "--density=-1"], "--density must be a finite number >= 0, got -1"),
    (["--z", "0.5,-1", "--temperature", "x"], '--temperature must be a finite number >= 0, got "x"'),
    (["--z", "0.5,-1", "--timing-temperature", "NaN"], '--timing-temperature must be a finite number >= 0, got "NaN"'),
    (["--z", "0.5,-1", "--grid-offset", "Infinity"], '--grid-offset must be a finite number >= 0, got "Infinity"'),
    (["--z", "0.5,-1", "--seed", "1.5"], '--seed must be a whole number >= 0, got "1.5"'),
    (["--z", "0.5,-1", "--seed", "1e3"], '--seed must be a whole number >= 0, got "1e3"'),
    (["--z", "0.5,-1", "--threshold-max", "2"], "--threshold-max is an onset probability between 0 and 1, got 2"),
    (
        ["--z", "0,0", "--threshold-min", "0.6", "--threshold-max", ".4"],
        "--threshold-min (0.6) must not be above --threshold-max (.4)",
    ),
    (["--z", "0.5,-1", "--poly=1"], "--poly takes no value; give --poly alone"),
    (["--z", "a,b"], '--z needs finite numbers (within ±3.4e+38) separated by commas, e.g. --z 0.5,-1, got "a,b"'),
    (
        ["--z", "0.5,,1"],
        '--z needs finite numbers (within ±3.4e+38) separated by commas, e.g. --z 0.5,-1, got "0.5,,1"',
    ),
    (
        ["--z", "1e39", "0"],
        "--z needs finite numbers (within ±3.4e+38) separated by commas, e.g. --z 0.5,-1, got 1e39,0",
    ),
    (["--density", "1"], "give --z, the latent point, e.g. --z 0.5,-1"),
    (
        ["--z", "0,0", "other.onnx"],
        'unexpected argument "other.onnx": give one decoder.onnx, each option\'s value after it',
    ),
]
"""(a command line after ``decoder.onnx``, the line each host refuses it with after ``PROGRAM: error: ``)."""


def python_command(arguments: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> tuple:
    """``python onnx_host.py ARGUMENTS`` in this process (the command's own ``main``): its exit code, stdout and
    stderr."""
    monkeypatch.setattr(sys, "argv", ["onnx_host.py", *arguments])
    try:
        HOST.main()
        code = 0
    except SystemExit as stop:
        code = stop.code
    out, err = capsys.readouterr()
    return code, out, err


HOST = load_bench("onnx_host_check.py").load_host()


def test_each_host_lists_the_same_options_with_the_same_defaults(monkeypatch, capsys):
    helps = [python_command(["--help"], monkeypatch, capsys)]
    if NODE is not None:
        done = run_together([NODE, JS_FOLDER / "onnx_host.mjs", "--help"])[0]
        helps.append((done.returncode, done.stdout, done.stderr))
    for code, out, err in helps:
        assert code == 0 and not err
        listed = out.split("options:\n", 1)[1].splitlines()[:-1]  # the last line is --help's
        assert [line.split()[0] for line in listed] == [flag for flag, _, _ in OPTIONS]
        for line, (flag, metavar, default) in zip(listed, OPTIONS, strict=True):
            assert line.startswith(f"  {flag} {metavar}".rstrip() + " "), line
            assert line.endswith(f"(default {default})") == (default is not None), line
    if len(helps) == 2:  # word for word, the program's name aside
        assert helps[0][1].replace("python onnx_host.py", "PROGRAM") == helps[1][1].replace(
            "node onnx_host.mjs", "PROGRAM"
        )


def test_the_python_host_refuses_bad_input_with_the_shared_line(monkeypatch, capsys, tmp_path):
    monkeypatch.chdir(tmp_path)  # decoder.onnx is not there: the options are checked before the file
    for arguments, says in BAD_INPUT:
        code, out, err = python_command(["decoder.onnx", *arguments], monkeypatch, capsys)
        assert (code, out, err) == (2, "", f"onnx_host.py: error: {says}\n"), arguments
    code, _, err = python_command(["--z", "0,0"], monkeypatch, capsys)
    assert code == 2 and err.startswith("onnx_host.py: error: give decoder.onnx, the file `mvae export RUN --onnx")


@needs_node
def test_the_javascript_host_refuses_bad_input_with_the_same_line(tmp_path):
    commands = [[NODE, JS_FOLDER / "onnx_host.mjs", "decoder.onnx", *arguments] for arguments, _ in BAD_INPUT]
    for (arguments, says), done in zip(BAD_INPUT, run_together(*commands, cwd=tmp_path), strict=True):
        assert (done.returncode, done.stdout, done.stderr) == (2, "", f"onnx_host.mjs: error: {says}\n"), arguments


@needs_node
@needs_packages
def test_both_hosts_play_the_same_notes_and_refuse_what_the_model_does_not_take(tiny_export):
    """The same command line, the model's own refusals (its latent_dim, --poly on a step graph) included."""
    commands = [[sys.executable, PYTHON_HOST], [NODE, JS_FOLDER / "onnx_host.mjs"]]
    lines = [
        ["--z", "0.5", "-1", "--seed", "3", "--tempo=97", "--density", "1.5", "--grid-offset", "0.7"],
        ["--z", "0.5"],
        ["--z", "0.5,-1", "--poly"],
    ]
    done = run_together(*[[*command, tiny_export, *line] for line in lines for command in commands])
    played, short_z, poly = (done[k : k + 2] for k in range(0, len(done), 2))
    assert all(answer.returncode == 0 for answer in played), [answer.stderr for answer in played]
    python_notes, js_notes = ([json.loads(line) for line in answer.stdout.splitlines()] for answer in played)
    assert python_notes and len(python_notes) == len(js_notes)
    for want, got in zip(python_notes, js_notes, strict=True):
        assert got == pytest.approx(want, abs=2e-6)
    assert max(note["end"] for note in js_notes) <= 2 * 4 * 60 / 97 + 1e-6  # two bars at --tempo 97
    for refused, says in [
        (short_z, "--z needs 2 numbers (the model's latent_dim), got 1"),
        (poly, "--poly and --threshold-min/--threshold-max need a seed model's export: this graph writes"),
    ]:
        python_answer, js_answer = refused
        assert python_answer.returncode == js_answer.returncode == 2 and not python_answer.stdout + js_answer.stdout
        assert python_answer.stderr.removeprefix("onnx_host.py: ") == js_answer.stderr.removeprefix("onnx_host.mjs: ")
        assert python_answer.stderr.startswith(f"onnx_host.py: error: {says}") and python_answer.stderr.count("\n") == 1
