"""DATA that holds no MIDI file at all (an Ableton project folder: a .als set and samples) is said to hold none:
``mvae data inspect`` printed a table of zeros ("sources used 0", "sources skipped 0") and no word, while train said
"no MIDI files found". The words are :data:`mvae_core.report.NO_MIDI_FILES`, one constant for both."""

from __future__ import annotations

from typer.testing import CliRunner

from mvae_core.cli import app
from mvae_core.data.load import DataReport
from mvae_core.report import NO_MIDI_FILES, skip_reasons

runner = CliRunner()


def ableton_project(folder):
    (folder / "Samples" / "Recorded").mkdir(parents=True)
    (folder / "My Set.als").write_bytes(b"\x1f\x8b\x08\x00gzipped xml")
    (folder / "Samples" / "Recorded" / "kick.wav").write_bytes(b"RIFF\x00\x00\x00\x00WAVE")
    return folder


def test_inspect_of_a_folder_without_midi_says_no_midi_files_found(tmp_path):
    project = ableton_project(tmp_path / "My Set Project")
    result = runner.invoke(app, ["data", "inspect", str(project)], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    assert f"{NO_MIDI_FILES} (mvae reads .mid, .midi, .smf, .kar files)" in text
    assert "sources used" not in text and "0 / 0" not in text  # no table of zeros


def test_train_on_it_names_the_same_reason(tmp_path):
    project = ableton_project(tmp_path / "My Set Project")
    result = runner.invoke(app, ["train", str(project), "--out", str(tmp_path / "run"), "--epochs", "1"])
    assert result.exit_code == 2
    assert f"({NO_MIDI_FILES})" in " ".join(result.stderr.split())


def test_skip_reasons_are_counted_by_reason_or_say_no_midi_files():
    assert skip_reasons(DataReport()) == NO_MIDI_FILES
    skipped = [{"source": f"{n}.mid", "status": "skipped", "reason": r} for n, r in enumerate(["no notes"] * 2)]
    report = DataReport(entries=[*skipped, {"source": "d.mid", "status": "skipped", "reason": "drums only"}])
    assert skip_reasons(report) == "no notes: 2, drums only: 1"
