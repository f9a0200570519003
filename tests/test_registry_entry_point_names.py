"""An entry point naming a class its module does not define (``mvae_deep_mlp:DeepMLP`` for ``DeepMlp``) failed with
only "module 'mvae_deep_mlp' has no attribute 'DeepMLP'": nothing said where that name comes from. It now points at
the package's pyproject.toml and offers the closest name the module has (a model author's review)."""

from __future__ import annotations

import importlib.metadata
import sys
import types

import pytest

from mvae_core.registry import import_failure


def test_a_missing_class_points_at_the_entry_point_and_the_close_name(monkeypatch: pytest.MonkeyPatch):
    module = types.ModuleType("mvae_deep_mlp")
    module.DeepMlp = type("DeepMlp", (), {})
    monkeypatch.setitem(sys.modules, "mvae_deep_mlp", module)
    entry = importlib.metadata.EntryPoint(name="deep_mlp", value="mvae_deep_mlp:DeepMLP", group="mvae.models")
    with pytest.raises(AttributeError) as missing:
        entry.load()
    raised = missing.value.with_traceback(None)  # as mvae's registry meets it: only the import machinery's frames
    assert import_failure("model 'deep_mlp' (package mvae-deep-mlp)", raised) == (
        "model 'deep_mlp' (package mvae-deep-mlp) failed to import: module 'mvae_deep_mlp' has no attribute "
        "'DeepMLP': the entry point in the package's pyproject.toml ([project.entry-points]) names "
        "mvae_deep_mlp:DeepMLP; did you mean 'DeepMlp'?"
    )
