"""mvae finds a model only through its package's entry point, so these tests need the package installed."""

from __future__ import annotations

import importlib.metadata

import pytest


def pytest_sessionstart(session: pytest.Session) -> None:
    if not any(ep.name == "step_transformer" for ep in importlib.metadata.entry_points(group="mvae.models")):
        pytest.exit(
            "mvae-step-transformer is not installed, so mvae cannot find the model step_transformer: install it "
            "first (README.md, Test)",
            returncode=2,
        )
