"""Every ``--json`` output goes through :func:`mvae_core.cli_output.print_json`, which writes NaN and infinities as
null: strict JSON has neither (before, five of seven ``--json`` writers passed ``json.dumps``'s ``NaN`` through)."""

from __future__ import annotations

import json
import math

from mvae_core.cli_output import print_json


def _strict(text: str) -> object:
    def refuse(constant: str) -> None:
        raise AssertionError(f"{constant} is not JSON")

    return json.loads(text, parse_constant=refuse)


def test_nan_and_infinities_are_written_as_null_at_any_depth(capsys):
    print_json({"loss": math.nan, "entries": [{"default": math.inf}, (-math.inf, 1.5)], "name": "x"})
    printed = capsys.readouterr().out
    assert printed.endswith("}\n") and printed.count("\n") > 1  # indented, one document
    assert _strict(printed) == {"loss": None, "entries": [{"default": None}, [None, 1.5]], "name": "x"}
