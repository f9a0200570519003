"""docs/python_api.md says what a notebook needs beyond the .venv that `make demo` builds."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE = " ".join((ROOT / "docs/python_api.md").read_text(encoding="utf-8").split())  # a sentence may wrap


def demo_extras() -> set[str]:
    """The extras the Makefile's `make demo` rule installs (`pip install -e '.[corpus,plot,serve]'`)."""
    rule = (ROOT / "Makefile").read_text(encoding="utf-8").split("$(STAMP): pyproject.toml", 1)[1].split("\n\n")[0]
    return set(re.search(r"-e '\.\[([a-z,]+)\]'", rule).group(1).split(","))


def demo_requirements() -> str:
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    return " ".join(requirement for extra in demo_extras() for requirement in extras[extra])


def test_the_export_cell_says_how_to_install_the_onnx_extra_that_make_demo_leaves_out():
    """A first notebook after `make demo` stopped at run.export_onnx with a ToolError: the page only said "(the onnx
    extra)"."""
    assert "onnx" not in demo_extras() and "onnx" not in demo_requirements()
    assert "`.venv/bin/pip install -e '.[onnx]'`" in PAGE


def test_the_walk_through_says_how_jupyter_gets_a_kernel_of_the_venv_and_the_progress_bar():
    assert "ipykernel" not in demo_requirements() and "ipywidgets" not in demo_requirements()
    assert "`.venv/bin/pip install ipykernel ipywidgets`" in PAGE
    assert "`.venv/bin/python -m ipykernel install --user --name mvae`" in PAGE


def test_the_evaluate_cell_says_why_a_gap_closed_prints_none():
    """The walk-through's evaluate cell prints ``'pc_entropy': None, 'notes': None`` on held-out WJD solos, and the
    page did not say that None means undefined (the command's table says ``no gap``)."""
    from mvae_core.pitch_structure import NO_GAP

    assert "A `gap_closed` of `None` is undefined, not zero" in PAGE and f"prints `{NO_GAP}` there" in PAGE


def test_the_page_says_what_a_reporter_s_display_needs():
    """A notebook's reporter whose training() gave a plain function as the display failed with "AttributeError:
    'function' object has no attribute 'started'" once the run folder was written; the page named the Reporter
    protocol only. A plain function is a display now (tests/test_api_reporter_display.py), and the page says so."""
    from mvae_core.session import Reporter

    assert "``started(events)``" in Reporter.training.__doc__ and "a plain function" in Reporter.training.__doc__
    assert "such as a plain" in PAGE and "if it has a method `started(events)`" in PAGE
