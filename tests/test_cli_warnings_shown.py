"""`cli_output.warnings_shown`: the one way commands print the Python warnings of a library call (generate's
``--bars``, evaluate's files it trained on), each as the command line spells it, also when the call then fails."""

from __future__ import annotations

import warnings

import pytest

from mvae_core import cli_output
from mvae_core.errors import RenamedOption


def test_each_warning_is_printed_as_the_command_line_spells_it_even_when_the_block_raises(monkeypatch) -> None:
    printed: list[str] = []
    monkeypatch.setattr(cli_output, "warn", printed.append)
    with pytest.raises(RuntimeError), cli_output.warnings_shown(RenamedOption, UserWarning):
        for _ in range(2):  # every time, not once per place
            warnings.warn(RenamedOption("bars", "loops", 2, "gives 2 loops per file"), stacklevel=1)
        warnings.warn("a plain one", UserWarning, stacklevel=1)
        raise RuntimeError
    renamed = "--bars 2 gives 2 loops per file; its new name is --loops (--loops 2)"
    assert printed == [renamed, renamed, "a plain one"]
