"""What a musician hits with the file tools on a trained run: refusals that name the cause instead of a traceback,
options that do nothing, and output folders that already hold files."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mvae_core.cli import app

runner = CliRunner()


def mvae(*args: object):
    return runner.invoke(app, [str(a) for a in args])


def one_line(result) -> str:
    return " ".join(result.output.split())


def test_a_map_grid_too_large_to_draw_exits_2_naming_the_range(tiny_run: Path, tmp_path: Path) -> None:
    result = mvae("map", tiny_run, "--grid", 100000, "--out", tmp_path / "m.png")
    assert result.exit_code == 2, result.output
    assert "--grid must be between 2 and 32 cells per axis, got 100000" in one_line(result)
    assert not (tmp_path / "m.png").exists()


def test_interpolate_refuses_a_loop_when_no_endpoint_is_a_midi_file(tiny_run: Path, tmp_path: Path) -> None:
    result = mvae("interpolate", tiny_run, "--from", "0,0", "--to", "1,1", "--loop", 3, "--out", tmp_path / "m")
    assert result.exit_code == 2, result.output
    assert "--loop 3 picks a loop of --from-midi or --to-midi, and neither is given" in one_line(result)
    assert not (tmp_path / "m").exists()


def test_interpolate_takes_loop_0_of_a_midi_endpoint_by_default(
    tiny_run: Path, synth_dir: Path, tmp_path: Path
) -> None:
    midi = sorted(synth_dir.rglob("*.mid"))[0]
    given = ["--from-midi", midi, "--to", "0,0", "--steps", 2]
    assert mvae("interpolate", tiny_run, *given, "--out", tmp_path / "default").exit_code == 0
    assert mvae("interpolate", tiny_run, *given, "--loop", 0, "--out", tmp_path / "zero").exit_code == 0
    assert sorted(p.name for p in (tmp_path / "default").iterdir()) == sorted(
        p.name for p in (tmp_path / "zero").iterdir()
    )


def test_interpolation_file_names_sort_in_order_past_999_points(tiny_run: Path, tmp_path: Path) -> None:
    out = tmp_path / "long"
    result = mvae("interpolate", tiny_run, "--from", "-1,0", "--to", "1,0", "--steps", 1001, "--out", out)
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    assert names[0] == "0000_z_-1.00_+0.00.mid" and names[-1] == "1000_z_+1.00_+0.00.mid"
    assert [int(name.split("_")[0]) for name in names] == list(range(1001))


def test_interpolate_warns_about_an_earlier_commands_files_in_its_folder(tiny_run: Path, tmp_path: Path) -> None:
    out = tmp_path / "morph"
    first = mvae("interpolate", tiny_run, "--from", "-1,0", "--to", "1,0", "--steps", 4, "--one-file", "--out", out)
    assert first.exit_code == 0 and "warning" not in first.stderr
    (out / "notes.txt").write_text("mine")  # not a loop file: not mentioned
    again = mvae(
        "interpolate",
        tiny_run,
        "--from",
        "-1,0",
        "--to",
        "1,0",
        "--steps",
        4,
        "--one-file",
        "--out",
        out,
        "--overwrite",
    )
    assert again.exit_code == 0 and "warning" not in again.stderr  # the same names: every file replaced
    other = mvae("interpolate", tiny_run, "--from", "0,-1", "--to", "0,1", "--steps", 3, "--out", out)
    assert other.exit_code == 0, other.output
    warning = " ".join(other.stderr.split())
    assert f"warning: {out} also holds 5 loop files this command did not write" in warning
    assert "000_z_-1.00_+0.00.mid, 001_z_-0.33_+0.00.mid, 002_z_+0.33_+0.00.mid, …" in warning
    assert "notes.txt" not in warning and len(list(out.glob("*.mid"))) == 8


def test_a_folder_given_as_a_midi_endpoint_is_named_by_its_option(
    tiny_run: Path, synth_dir: Path, tmp_path: Path
) -> None:
    result = mvae("interpolate", tiny_run, "--from", "0,0", "--to-midi", synth_dir, "--out", tmp_path / "m")
    assert result.exit_code == 2, result.output
    said = one_line(result)
    assert f"{synth_dir} is a folder" in said and "--to-midi takes one MIDI file; e.g. --to-midi " in said
    assert "mvae encode" not in said


def test_the_command_bend_suggests_runs_as_printed(tiny_run: Path, tmp_path: Path) -> None:
    bent = tmp_path / "bent"
    result = mvae("bend", tiny_run, "--sigma", 0.1, "--out", bent)
    assert result.exit_code == 0, result.output
    suggested = one_line(result).split("generate from it with mvae ", 1)[1].split(". It has", 1)[0]
    generated = mvae(*shlex.split(suggested))  # as printed, nothing to fill in
    assert generated.exit_code == 0, generated.output
    assert len(list((bent / "samples").glob("*.mid"))) == 8


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["generate", "--z", "1e308,0"], "--z needs finite numbers (within ±3.4e+38), got 1e+308,0.0"),
        (["generate", "--random", 2, "--noise", "1e308"], "--noise moves the points beyond ±3.4e+38"),
        (["generate", "--bars", 2, "--walk", "1e308"], "--walk moves the points beyond ±3.4e+38"),
        (["interpolate", "--from", "1e308,0", "--to", "0,0"], "--from '1e308,0': every number must be finite"),
        (["interpolate", "--from", "3e38,0", "--to", "-3e38,0"], "the points between the endpoints pass ±3.4e+38"),
    ],
)
def test_latent_points_beyond_32_bit_floats_exit_2(tiny_run: Path, tmp_path: Path, args: list, says: str) -> None:
    result = mvae(args[0], tiny_run, *args[1:], "--out", tmp_path / "out")
    assert result.exit_code == 2, result.output
    assert says in one_line(result)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["generate", "--random", 100_000_000], "--random must be at most 10000 (give another seed for more points)"),
        (["generate", "--bars", 100_000_000], "--bars 100000000 × 1 point is more than 10000 loops in all"),
        (["generate", "--random", 200, "--bars", 51], "--bars 51 × 200 points is more than 10000 loops in all"),
        (["interpolate", "--from", "0,0", "--to", "1,1", "--steps", 10_001], "--steps must be between 2"),
    ],
)
def test_more_loops_than_one_batch_holds_exit_2(tiny_run: Path, tmp_path: Path, args: list, says: str) -> None:
    result = mvae(args[0], tiny_run, *args[1:], "--out", tmp_path / "out")
    assert result.exit_code == 2, result.output
    assert says in one_line(result)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("extent", ["1e308", "nan", "inf"])
def test_a_map_extent_beyond_32_bit_floats_exits_2(tiny_run: Path, tmp_path: Path, extent: str) -> None:
    result = mvae("map", tiny_run, "--grid", 2, "--extent", extent, "--out", tmp_path / "m.png")
    assert result.exit_code == 2, result.output
    assert "--extent must be a finite number > 0 (at most 3.4e+38)" in one_line(result)


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--sigma", "1e308"], "--sigma 1e+308 makes "),
        (["--sigma", "0.1", "--seed", 2**63], f"--seed must be between 0 and {2**63 - 1} (as train.seed), got {2**63}"),
    ],
)
def test_a_bend_that_cannot_make_a_usable_copy_exits_2(tiny_run: Path, tmp_path: Path, args: list, says: str) -> None:
    result = mvae("bend", tiny_run, *args, "--out", tmp_path / "bent")
    assert result.exit_code == 2, result.output
    assert says in one_line(result)
    assert not (tmp_path / "bent").exists()


def test_generate_warns_about_an_earlier_commands_loops_in_its_folders(tiny_run: Path, tmp_path: Path) -> None:
    """Another --seed into the same folder left the first command's loops beside the new ones, without a word; a DAW
    then loaded both sets. The WAV folder is checked too; a file named by --out is not a folder's loop."""
    out, wavs = tmp_path / "loops", tmp_path / "wavs"
    args = ["--random", 2, "--out", out, "--audio", wavs, "--renderer", "builtin"]
    first = mvae("generate", tiny_run, *args, "--seed", 1)
    assert first.exit_code == 0 and "warning" not in first.stderr, first.output
    again = mvae("generate", tiny_run, *args, "--seed", 1, "--overwrite")
    assert again.exit_code == 0 and "warning" not in again.stderr  # the same names: every file replaced
    other = mvae("generate", tiny_run, *args, "--seed", 2)
    warning = " ".join(other.stderr.split())
    assert f"warning: {out} also holds 2 loop files this command did not write" in warning
    assert f"warning: {wavs} also holds 2 loop files" in warning
    single = mvae("generate", tiny_run, "--z", "0,0", "--out", out / "pad.mid")
    assert single.exit_code == 0 and "warning" not in single.stderr


def test_the_wav_of_one_named_midi_file_takes_its_name(tiny_run: Path, tmp_path: Path) -> None:
    """``--out pad.mid --audio wavs/`` wrote ``wavs/000_z_+0.00_+0.00.wav``; cli.md says the WAV takes the MIDI
    file's name."""
    result = mvae("generate", tiny_run, "--z", "0,0", "--out", tmp_path / "pad.mid", "--audio", tmp_path / "wavs",
                  "--renderer", "builtin")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert [p.name for p in (tmp_path / "wavs").iterdir()] == ["pad.wav"]
