"""``mvae generate --loops N`` writes N 2-bar loops per file. Its old name ``--bars`` was a trap for a musician
(``--bars 4`` wrote 8 bars): it keeps working as before (scripts and docs that use it), says on stderr what it counts
and its new name, and is hidden from ``--help``. Errors name the option the user typed."""

from __future__ import annotations

import mido
import pytest
from typer.testing import CliRunner

from mvae_core.cli import app
from mvae_core.loop_file import LOOP_TICKS

runner = CliRunner()


@pytest.fixture
def run(tiny_run):
    """The session's trained run: these tests only read it."""
    return tiny_run


def generate(run, out, *options):
    return runner.invoke(app, ["generate", str(run), "--random", "2", "--out", str(out), *options])


def test_loops_writes_that_many_two_bar_loops_without_a_word(run, tmp_path):
    result = generate(run, tmp_path / "mid", "--loops", "3")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    files = sorted((tmp_path / "mid").glob("*.mid"))
    assert len(files) == 2
    for file in files:
        midi = mido.MidiFile(file)
        assert max(sum(m.time for m in track) for track in midi.tracks) == 3 * LOOP_TICKS


def test_bars_still_writes_loops_and_says_so(run, tmp_path):
    by_loops = generate(run, tmp_path / "loops", "--loops", "2")
    by_bars = generate(run, tmp_path / "bars", "--bars", "2")
    assert by_bars.exit_code == 0, by_bars.output
    assert "--bars 2 gives 2 loops of 2 bars (4 bars) per file; its new name is --loops (--loops 2)" in (
        " ".join(by_bars.stderr.split())
    )
    names = sorted(f.name for f in (tmp_path / "loops").glob("*.mid"))
    assert names == sorted(f.name for f in (tmp_path / "bars").glob("*.mid")) and len(names) == 2
    for name in names:
        assert (tmp_path / "loops" / name).read_bytes() == (tmp_path / "bars" / name).read_bytes()
    assert [line.split("/")[-1] for line in by_loops.stdout.splitlines()] == [
        line.split("/")[-1] for line in by_bars.stdout.splitlines()
    ]


def test_bars_and_loops_together_exit_2(run, tmp_path):
    result = generate(run, tmp_path / "mid", "--loops", "2", "--bars", "2")
    assert result.exit_code == 2
    assert "give either --loops (loops per file) or --bars (its old name), not both" in " ".join(result.stderr.split())
    assert not (tmp_path / "mid").exists()


@pytest.mark.parametrize("flag", ["--loops", "--bars"])
def test_an_error_names_the_option_typed(run, tmp_path, flag):
    result = generate(run, tmp_path / "mid", flag, "20000")
    assert result.exit_code == 2
    assert f"{flag} 20000 × 2 points is more than 10000 loops in all" in " ".join(result.stderr.split())


def test_help_shows_loops_and_not_bars():
    result = runner.invoke(app, ["generate", "--help"], env={"NO_COLOR": "1", "COLUMNS": "200"})
    assert "--loops" in result.stdout and "Loops per file (2 bars each)" in result.stdout
    assert "--bars" not in result.stdout


def test_python_takes_loops_and_bars_as_its_old_name_with_a_future_warning(run):
    import warnings

    import mvae_core
    from mvae_core.errors import ConflictingOptions, OptionError

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # loops= warns about nothing
        by_loops = mvae_core.generate(run, random=2, loops=3, seed=1)
    with pytest.warns(FutureWarning, match=r"bars=3 gives 3 loops of 2 bars \(6 bars\) per file; its new name is "
                      r"loops \(loops=3\)") as caught:  # fmt: skip
        by_bars = mvae_core.generate(run, random=2, bars=3, seed=1)
    assert caught[0].filename == __file__  # the caller's line, not mvae's
    assert [len(file) for file in by_loops] == [3, 3] and by_loops.loops == by_bars.loops
    assert len(mvae_core.generate(run, random=1)[0]) == 1  # the default: one loop
    with pytest.raises(ConflictingOptions, match=r"give either loops \(loops per file\) or bars \(its old name\)"):
        mvae_core.generate(run, random=1, loops=2, bars=2)
    too_many = r"^bars 20000 × 1 point is more than 10000 loops"
    with pytest.raises(OptionError, match=too_many), pytest.warns(FutureWarning):
        mvae_core.generate(run, random=1, bars=20000)
    with pytest.raises(OptionError, match="loops must be a whole number"):
        mvae_core.generate(run, random=1, loops=2.5)


def test_walk_with_one_loop_per_file_says_it_changes_nothing(run, tmp_path):
    """--walk moves between the loops of a file: with one loop (the default) it did nothing, without a word."""
    walked = generate(run, tmp_path / "walked", "--walk", "1.5")
    plain = generate(run, tmp_path / "plain")
    assert walked.exit_code == 0, walked.output
    note = "--walk is the distance between the loops of a file, and each file has one loop; give --loops N"
    assert note in " ".join(walked.stderr.split()) and plain.stderr == ""
    for file in (tmp_path / "plain").glob("*.mid"):
        assert (tmp_path / "walked" / file.name).read_bytes() == file.read_bytes()  # nothing changed indeed
    longer = generate(run, tmp_path / "longer", "--loops", "2", "--walk", "1.5")
    assert longer.exit_code == 0 and longer.stderr == ""
