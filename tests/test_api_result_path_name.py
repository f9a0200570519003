"""Every result object names its folder ``path`` (``RunResult.path``, ``LoadedRun.path``); ``AblationResult`` said
``out``, which still reads, with a ``DeprecationWarning``."""

from __future__ import annotations

import dataclasses

import pytest

from mvae_core import AblationResult, RunResult


def test_run_and_ablation_results_both_name_their_folder_path(tmp_path) -> None:
    assert "path" in {f.name for f in dataclasses.fields(RunResult)}
    assert "path" in {f.name for f in dataclasses.fields(AblationResult)}
    result = AblationResult(tmp_path / "abl", [], [], [], [], None)
    assert result.path == tmp_path / "abl"
    with pytest.warns(DeprecationWarning, match=r"AblationResult\.out is now AblationResult\.path"):
        assert result.out == tmp_path / "abl"
