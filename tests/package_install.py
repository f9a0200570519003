"""Helpers of the tests that pip install example packages into a folder of their own (tests/test_third_party.py,
tests/test_models_example_package.py)."""

from __future__ import annotations

import importlib.metadata

import pytest


def skip_if_installed(*distributions: str) -> None:
    """Skip, saying what to do, when one of ``distributions`` is installed in this environment already (an example's
    README installs it to try it): mvae would find its entry points twice, once from the environment and once from
    the test's own folder, and refuse the name as taken."""
    installed = []
    for name in distributions:
        try:
            importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            continue
        installed.append(name)
    if installed:
        pytest.skip(
            f"{', '.join(installed)} installed in this environment; these tests install it themselves: "
            f"pip uninstall {' '.join(installed)}"
        )
