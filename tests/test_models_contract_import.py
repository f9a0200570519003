"""A package model that fails to import is named with the line of the package where the import failed, since the
command line shows no traceback: the error alone ("name 'X' is not defined") did not say which file."""

from __future__ import annotations

import pkgutil
from functools import partial

import pytest

from mvae_core.models import ModelError, ModelInfo

# the loaders are stdlib calls, as an entry point's load is (importlib.metadata): no frame of this file in between


def test_a_model_that_fails_to_import_names_the_packages_line(tmp_path, monkeypatch):
    package = tmp_path / "mvae_import_fails"
    package.mkdir()
    (package / "__init__.py").write_text("from mvae_core.models.seed import SeedModel\n\n\nclass Wide(SeedModel):\n"
                                         "    Settings = WideSettings\n")  # fmt: skip
    monkeypatch.syspath_prepend(str(tmp_path))
    info = ModelInfo("wide", "package mvae-x", "0.1", partial(pkgutil.resolve_name, "mvae_import_fails:Wide"))
    with pytest.raises(ModelError) as error:
        info.model_class()
    assert str(error.value) == (
        "model 'wide' (package mvae-x) failed to import: name 'WideSettings' is not defined "
        f"(at {package / '__init__.py'}:5)"
    )


def test_an_entry_point_naming_a_module_that_does_not_exist_says_it_is_not_installed():
    info = ModelInfo("wide", "package mvae-x", "0.1", partial(pkgutil.resolve_name, "mvae_no_such_module:Wide"))
    said = (
        r"failed to import: No module named 'mvae_no_such_module': the entry point in the package's pyproject\.toml "
        r"\(\[project\.entry-points\]\) names mvae_no_such_module, a module that is not installed: check its "
        r"spelling, and that the package ships it$"
    )
    with pytest.raises(ModelError, match=said):
        info.model_class()
