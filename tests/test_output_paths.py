"""Where commands write: a path they cannot write ends with exit 2 and one line naming it (no traceback, nothing
half-written), and a command prints the path it actually wrote."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from mvae_core.cli import app

runner = CliRunner()


def mvae(*args: object):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


@pytest.mark.parametrize(
    "args",
    [
        ["generate", "{run}", "--z", "0,0", "--out", "{file}/x.mid"],
        ["generate", "{run}", "--random", "2", "--out", "{file}"],
        [
            "generate",
            "{run}",
            "--z",
            "0,0",
            "--out",
            "{tmp}/ok.mid",
            "--audio",
            "{file}/a.wav",
            "--renderer",
            "builtin",
        ],
        ["interpolate", "{run}", "--from", "0,0", "--to", "1,1", "--out", "{file}/i"],
        ["map", "{run}", "--out", "{file}/m.png"],
        ["plot", "{run}", "--out", "{file}/c.png"],
        ["export", "{run}", "--onnx", "{file}/d.onnx"],
        ["train", "{data}", "--epochs", "1", "--out", "{file}/run"],
    ],
    ids=lambda args: args[0] + ("-audio" if "--audio" in args else ""),
)
def test_an_output_under_a_file_is_refused_naming_the_path(tiny_run, synth_dir, tmp_path, args):
    blocker = tmp_path / "port"
    blocker.write_text("a file where a folder was meant")
    result = mvae(*(a.format(run=tiny_run, file=blocker, tmp=tmp_path, data=synth_dir) for a in args))
    assert result.exit_code == 2, result.output
    assert f"error: {blocker} is a file where a folder is needed" in result.stderr, result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize("command", ["map", "plot"])
def test_a_figure_named_without_a_suffix_is_written_as_png_and_reported_so(tiny_run, tmp_path, command):
    result = mvae(command, tiny_run, "--out", tmp_path / "figure")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "figure.png").is_file() and not (tmp_path / "figure").exists()
    assert result.stdout.split()[0] == str(tmp_path / "figure.png")


def test_a_figure_suffix_matplotlib_cannot_write_is_refused(tiny_run, tmp_path):
    result = mvae("plot", tiny_run, "--out", tmp_path / "c.foo")
    assert result.exit_code == 2 and "c.foo: matplotlib cannot write .foo pictures" in result.stderr
    assert not (tmp_path / "c.foo").exists()


def test_interpolate_refuses_an_option_the_model_cannot_decode_before_writing(tiny_run, tmp_path):
    result = mvae("interpolate", tiny_run, "--from", "0,0", "--to", "1,1", "--poly", "--out", tmp_path / "i")
    assert result.exit_code == 2 and "--poly: melody_rnn writes one note per step" in result.stderr, result.output
    assert not (tmp_path / "i").exists()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--out", "{tmp}/a.txt"], "a.txt: a MIDI file's name ends in .mid or .midi"),
        (["--out", "{tmp}/ok.mid", "--audio", "{tmp}/a.mp3"], "a.mp3: a WAV file's name ends in .wav"),
    ],
)
def test_generate_refuses_a_file_name_that_would_become_a_folder(tiny_run, tmp_path, args, expected):
    result = mvae("generate", tiny_run, "--z", "0,0", *(a.format(tmp=tmp_path) for a in args))
    assert result.exit_code == 2 and expected in result.stderr, result.output
    assert not (tmp_path / "a.txt").exists() and not (tmp_path / "a.mp3").exists()
    assert not (tmp_path / "ok.mid").exists()  # a refused --audio is found before any MIDI file is written


def test_generate_writes_into_an_existing_folder_whatever_its_name(tiny_run, tmp_path):
    (tmp_path / "takes.v2").mkdir()
    result = mvae("generate", tiny_run, "--random", "2", "--out", tmp_path / "takes.v2")
    assert result.exit_code == 0, result.output
    assert len(list((tmp_path / "takes.v2").glob("*.mid"))) == 2


def test_interpolate_refuses_a_folder_name_with_a_suffix(tiny_run, tmp_path):
    result = mvae("interpolate", tiny_run, "--from", "0,0", "--to", "1,1", "--out", tmp_path / "i.txt")
    said = " ".join(result.stderr.split())
    assert result.exit_code == 2 and (  # several points: no "such a name (one point)", which would fail next
        "i.txt: a MIDI file's name ends in .mid or .midi; give an existing folder, or a new folder's name without a "
        "suffix" in said
    ), result.output
    assert not (tmp_path / "i.txt").exists()
