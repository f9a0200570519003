"""``mvae evaluate`` names the files of DATA that gave no loop: it scored the others and said nothing of them."""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

from typer.testing import CliRunner

import mvae_core
from mvae_core.cli import app


def _data_with_two_unusable_files(synth_dir: Path, tmp_path: Path) -> Path:
    data = tmp_path / "held-out"
    shutil.copytree(synth_dir, data)
    (data / "empty_take.mid").write_bytes(b"")
    (data / "not_midi.mid").write_bytes(b"RIFF....WAVEfmt ")
    return data


def test_evaluate_warns_naming_each_file_that_gave_no_loop(synth_dir: Path, tiny_run: Path, tmp_path: Path) -> None:
    data = _data_with_two_unusable_files(synth_dir, tmp_path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = mvae_core.evaluate(tiny_run, [data], samples=8, jobs=1)
    said = [str(w.message) for w in caught if issubclass(w.category, mvae_core.SkippedSourcesWarning)]
    files = len(list(data.iterdir()))
    assert len(said) == 1 and said[0].startswith(f"2 of the {files} files of DATA gave no loop and are not scored: ")
    assert "empty_take.mid: " in said[0] and "not_midi.mid: " in said[0], said
    assert said[0].endswith(f"(mvae data inspect {data} --config {tiny_run / 'config.toml'} says why in full)")
    assert result["loops"] > 0  # the other files are scored


def test_the_command_says_it_on_stderr(synth_dir: Path, tiny_run: Path, tmp_path: Path) -> None:
    data = _data_with_two_unusable_files(synth_dir, tmp_path)
    printed = CliRunner().invoke(app, ["evaluate", str(tiny_run), str(data), "--samples", "8", "--jobs", "1"])
    assert printed.exit_code == 0, printed.output
    assert "gave no loop and are not scored: " in " ".join(printed.stderr.split())
    assert "gave no loop" not in printed.stdout


def test_data_whose_every_file_is_usable_gets_no_such_warning(synth_dir: Path, tiny_run: Path) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        mvae_core.evaluate(tiny_run, [synth_dir], samples=8, jobs=1)
    assert not [w for w in caught if issubclass(w.category, mvae_core.SkippedSourcesWarning)]
