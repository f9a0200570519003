"""``mvae_core.<Tab>`` in Jupyter and ``help(mvae_core)`` list the module's names through ``dir()``; the API is
imported lazily, so ``train``, ``generate``, ``load`` and the rest were missing from both until first used."""

from __future__ import annotations

import pydoc
import subprocess
import sys

import mvae_core


def test_dir_lists_every_public_name_without_importing_torch():
    code = "import sys, mvae_core; names = dir(mvae_core); print(sorted(set(mvae_core.__all__) - set(names)), 'torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["[]", "False"]


def test_dir_leaves_out_what_the_package_imports_for_itself():
    """`mvae_core.<Tab>` offered Any, TYPE_CHECKING, annotations, importlib and sys."""
    names = dir(mvae_core)
    assert not {"Any", "TYPE_CHECKING", "annotations", "importlib", "sys"} & set(names)
    assert {"train", "hookimpl", "errors", "__doc__"} <= set(names)  # errors: a submodule, imported by the package


def test_help_lists_the_calls():
    text = pydoc.render_doc(mvae_core, renderer=pydoc.plaintext)
    functions = text.split("\nFUNCTIONS\n")[1]
    for name in ("train", "load", "generate", "encode", "interpolate", "evaluate", "ablate"):
        assert f"\n    {name}(" in functions
