"""The model list of ``mvae models`` is library data (:func:`mvae_core.models.catalog.catalog`): a notebook lists the
models without importing the command line (typer); before, ``catalog()`` lived in the typer module cli_models.py."""

from __future__ import annotations

import subprocess
import sys

from mvae_core.config import ModelConfig


def test_the_catalog_is_a_library_module_without_the_command_line():
    code = "import sys, mvae_core.models.catalog; print('typer' in sys.modules)"
    said = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert said.strip() == "False"


def test_it_lists_every_model_and_the_default():
    from mvae_core.models.catalog import catalog

    entries = catalog()
    assert [e["name"] for e in entries if e["default"]] == [ModelConfig().name]
    assert {"seed", "melody_rnn"} <= {e["name"] for e in entries} and all(e["error"] is None for e in entries)
