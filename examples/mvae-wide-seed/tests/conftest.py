"""mvae finds a model only through its package's entry point, so these tests need the package installed."""

from __future__ import annotations

import importlib.metadata

import pytest


def pytest_sessionstart(session: pytest.Session) -> None:
    if not any(ep.name == "wide_seed" for ep in importlib.metadata.entry_points(group="mvae.models")):
        pytest.exit(
            "mvae-wide-seed is not installed, so mvae cannot find the model wide_seed: install it first "
            "(README.md, Test)",
            returncode=2,
        )
