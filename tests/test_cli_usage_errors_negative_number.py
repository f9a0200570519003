"""A latent point split by a space (``--z 0.5, -1``) ends as ``No such option: -1``: the error says why."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from mvae_core.cli import app

runner = CliRunner()
HINT = "write a point's numbers as one value, with commas and no spaces (0.5,-1)."


@pytest.mark.parametrize(
    "args",
    [
        ["generate", "runs/solos", "--z", "0.5,", "-1", "--out", "pad.mid"],  # a space after the comma
        ["generate", "runs/solos", "--z", "0.5", "-1.2", "--out", "pad.mid"],  # as a musician writes a pair
        ["interpolate", "runs/solos", "--from", "0,0", "--to", "1,", "-.5", "--out", "morph"],
    ],
)
def test_a_negative_number_read_as_an_option_gets_a_hint_to_join_the_point(args):
    result = runner.invoke(app, args, env={"NO_COLOR": "1"}, terminal_width=60, prog_name="mvae")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith("error: No such option: -") and HINT in result.stderr
    assert result.stderr.endswith(f"See 'mvae {args[0]} --help'.\n") and result.stderr.count("\n") == 1


def test_an_unknown_option_that_is_not_a_number_gets_no_such_hint():
    result = runner.invoke(app, ["generate", "runs/solos", "--bogus"], env={"NO_COLOR": "1"}, prog_name="mvae")
    assert result.exit_code == 2 and "No such option: --bogus" in result.stderr and HINT not in result.stderr
