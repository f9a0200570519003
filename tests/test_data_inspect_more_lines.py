"""``mvae data inspect`` prints 50 lines of each kind and points to the rest where they are: its own ``--json``, not
a ``data_report.json`` that only ``mvae train`` writes."""

from __future__ import annotations

from typer.testing import CliRunner

from mvae_core import cli


def test_inspect_points_to_its_own_json_for_the_lines_left_out(tmp_path):
    for i in range(52):
        (tmp_path / f"notes {i:02d}.mid").write_text(f"not MIDI {i}")
    result = CliRunner().invoke(
        cli.app, ["data", "inspect", str(tmp_path), "--jobs", "1", "--set", "data.cache_dir=none"]
    )
    assert result.exit_code == 0, result.output
    assert "... and 2 more skipped (see mvae data inspect --json)" in result.output
    assert "data_report.json" not in result.output
