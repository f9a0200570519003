"""The example of a model written from scratch, examples/mvae-step-transformer, keeps mvae's contract: its own tests
that need no training run here, on its module registered as a package's entry point would register it, so a change
of mvae that breaks the example (or the contract it shows) fails mvae's suite. Its training test runs as its README
says; the pip install and the command line of a package model are tested on examples/mvae-wide-seed
(tests/test_models_example_package.py)."""

from __future__ import annotations

import importlib.util
import inspect
import sys
from pathlib import Path

from mvae_core.generation import DecodeOptions
from tests.test_models import _installed

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "mvae-step-transformer"


def test_the_examples_own_contract_tests_pass(monkeypatch):
    monkeypatch.syspath_prepend(str(EXAMPLE))
    monkeypatch.delitem(sys.modules, "mvae_step_transformer", raising=False)  # the example's, not an installed copy
    import mvae_step_transformer

    _installed(monkeypatch, "step_transformer", mvae_step_transformer.StepTransformer)
    try:
        spec = importlib.util.spec_from_file_location(
            "step_transformer_own_tests", EXAMPLE / "tests" / "test_step_transformer.py"
        )
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        tests = {name: test for name, test in vars(module).items() if name.startswith("test_") and callable(test)}
        without_fixtures = [test for test in tests.values() if not inspect.signature(test).parameters]
        assert len(without_fixtures) >= 3, list(tests)
        for test in without_fixtures:
            test()
        tests["test_the_model_keeps_mvaes_contract"](DecodeOptions(seed=3))
    finally:
        sys.modules.pop("mvae_step_transformer", None)
