"""``mvae_core.encode`` and ``mvae_core.interpolate``: ``mvae encode`` and ``mvae interpolate`` as calls, for a
notebook. Before, a Python caller had only ``generate`` and ``evaluate``, and the command line spelt interpolation's
steps (check the options, resolve the ends, the line, decode, write) itself."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

import mvae_core
from mvae_core.cli import app
from mvae_core.errors import InputError, OptionError
from mvae_core.tools import ToolError

runner = CliRunner()


@pytest.fixture(scope="module")
def run(tiny_run):
    return mvae_core.load(tiny_run)


def test_interpolate_writes_what_the_command_writes(run, tiny_run, tmp_path):
    args = ["interpolate", str(tiny_run), "--from", "-1,0.5", "--to", "1,-0.5", "--steps", "4", "--seed", "3"]
    result = runner.invoke(app, [*args, "--one-file", "--out", str(tmp_path / "cli")])
    assert result.exit_code == 0, result.output
    line = mvae_core.interpolate(run, [-1, 0.5], [1, -0.5], steps=4, seed=3)
    assert len(line) == 4 and all(len(file) == 1 for file in line)
    assert line.paths[0, 0].tolist() == [-1, 0.5] and line.paths[-1, 0].tolist() == [1, -0.5]  # the ends exactly
    files = line.write(tmp_path / "py") + line.joined().write(tmp_path / "py" / "interpolation.mid")
    assert sorted(f.name for f in files) == sorted(f.name for f in (tmp_path / "cli").iterdir())
    for file in files:
        assert file.read_bytes() == (tmp_path / "cli" / file.name).read_bytes()
    assert [loop for file in line for loop in file] == line.joined()[0]  # one file, every loop in order


def test_a_midi_end_is_its_loops_encoding(run, synth_dir):
    midi = sorted(synth_dir.glob("*.mid"))[0]
    codes = mvae_core.encode(run, midi)
    assert [code.loop for code in codes] == list(range(len(codes))) and len(codes) >= 2
    assert run.encode(str(midi)) == codes  # a str or a Path, a function or the Run's method
    line = run.interpolate(midi, [0.0, 0.0], steps=3, loop=1)
    assert line.paths[0, 0].tolist() == pytest.approx(codes[1].mu)
    assert line.paths[-1, 0].tolist() == [0.0, 0.0]


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"start": [0, 0, 0]}, ToolError, r"^start needs 2 numbers \(the model's latent_dim\), got 3$"),
        ({"end": [0, float("nan")]}, ToolError, r"^end \[0\.0, nan\]: every number must be finite"),
        ({"end": "zero"}, ToolError, r"^zero: no such file$"),
        ({"start": {"x": 1}}, OptionError, r"^start is a latent point \(numbers\) or a MIDI file's path, got \{'x'"),
        ({"start": None}, OptionError, r"^start is a latent point \(numbers\) or a MIDI file's path, got None$"),
        ({"steps": 1}, OptionError, r"^steps must be between 2 \(the two endpoints\) and 10000, got 1$"),
        ({"steps": 2.5}, OptionError, r"^steps must be a whole number"),
        ({"temprature": 1.0}, InputError, r"unknown generation option 'temprature' \(did you mean 'temperature'"),
    ],
)
def test_a_bad_argument_is_named(run, kwargs, error, message):
    given = {"start": [0, 0], "end": [1, 1], **kwargs}
    with pytest.raises(error, match=message):
        mvae_core.interpolate(run, **given)


def test_midi_ends_are_named_as_python_arguments(run, synth_dir):
    midi = sorted(synth_dir.glob("*.mid"))[0]
    with pytest.raises(OptionError, match=rf"^loop 99 is not a usable loop of {midi}: it has \d+ \(0\.\.\d+\)$"):
        mvae_core.interpolate(run, midi, [0, 0], loop=99)
    with pytest.raises(ToolError, match=r"is a folder \(6 MIDI files in it\); end takes one MIDI file; e\.g\. end='"):
        mvae_core.interpolate(run, [0, 0], synth_dir)
    with pytest.raises(OptionError, match=r"^midi is the path of a MIDI file"):
        mvae_core.encode(run, 3)


def test_the_command_names_its_options(tiny_run, synth_dir, tmp_path):
    midi = sorted(synth_dir.glob("*.mid"))[0]
    args = ["interpolate", str(tiny_run), "--from-midi", str(midi), "--to", "0,0", "--out", str(tmp_path / "out")]
    loop = runner.invoke(app, [*args, "--loop", "99"])
    assert loop.exit_code == 2 and f"--loop 99 is not a usable loop of {midi}" in " ".join(loop.stderr.split())
    steps = runner.invoke(app, [*args, "--steps", "1"])
    assert steps.exit_code == 2 and "--steps must be between 2 (the two endpoints) and 10000, got 1" in steps.stderr


def test_bad_input_to_encode_and_interpolate_is_an_input_error(run, tmp_path):
    """python_api.md's table says `except mvae_core.InputError` catches bad arguments; a ToolError escaped it."""
    with pytest.raises(mvae_core.InputError, match="no such file"):
        mvae_core.encode(run, tmp_path / "nope.mid")
    with pytest.raises(mvae_core.InputError, match="start needs 2 numbers"):
        mvae_core.interpolate(run, [0, 0, 0], [1, 1])
