"""train.deterministic: deterministic kernels while a CUDA run trains (mvae_core/determinism.py).

The CUDA side runs only on a GPU (tests/test_cuda.py: bit-identical resume); here the switch itself, and every
model's training under torch's deterministic mode on the CPU: an operation of ours without a deterministic
implementation would raise there too.
"""

from __future__ import annotations

import os

import pytest
import torch
import torch.utils.deterministic

from mvae_core.determinism import CUBLAS_WORKSPACE_CONFIG, deterministic_algorithms, unique_writes
from mvae_core.models import BUILTIN_MODELS
from tests.training import make_trainer, tiny_config


@pytest.fixture
def torch_defaults(monkeypatch):
    monkeypatch.delenv("CUBLAS_WORKSPACE_CONFIG", raising=False)
    assert not torch.are_deterministic_algorithms_enabled()
    yield
    torch.use_deterministic_algorithms(False)
    torch.utils.deterministic.fill_uninitialized_memory = True


def test_the_block_runs_under_deterministic_kernels_and_restores_torchs_settings(torch_defaults):
    with deterministic_algorithms(True):
        assert torch.are_deterministic_algorithms_enabled()
        assert not torch.utils.deterministic.fill_uninitialized_memory
        assert os.environ["CUBLAS_WORKSPACE_CONFIG"] == CUBLAS_WORKSPACE_CONFIG
    assert not torch.are_deterministic_algorithms_enabled()
    assert torch.utils.deterministic.fill_uninitialized_memory


def test_disabled_changes_nothing_and_a_users_cublas_setting_is_kept(torch_defaults, monkeypatch):
    with deterministic_algorithms(False):
        assert not torch.are_deterministic_algorithms_enabled()
    assert "CUBLAS_WORKSPACE_CONFIG" not in os.environ
    monkeypatch.setenv("CUBLAS_WORKSPACE_CONFIG", ":16:8")
    with deterministic_algorithms(True):
        assert os.environ["CUBLAS_WORKSPACE_CONFIG"] == ":16:8"


@pytest.mark.parametrize("warn_only", [False, True])
def test_unique_writes_lift_the_mode_for_the_block_only(torch_defaults, warn_only):
    with deterministic_algorithms(True):
        torch.use_deterministic_algorithms(True, warn_only=warn_only)
        with unique_writes():
            assert not torch.are_deterministic_algorithms_enabled()
        assert torch.are_deterministic_algorithms_enabled()
        assert torch.is_deterministic_algorithms_warn_only_enabled() == warn_only
    with unique_writes():
        pass
    assert not torch.are_deterministic_algorithms_enabled()  # off before, off after


@pytest.mark.parametrize("model", sorted(BUILTIN_MODELS))
def test_every_model_trains_under_torchs_deterministic_mode(synth_dir, torch_defaults, model):
    reference = make_trainer(synth_dir, tiny_config(f'model.name="{model}"', epochs=1))
    reference.fit()
    checked = make_trainer(synth_dir, tiny_config(f'model.name="{model}"', epochs=1))
    with deterministic_algorithms(True):
        checked.fit()
    for name, tensor in reference.model.state_dict().items():
        assert torch.equal(tensor, checked.model.state_dict()[name]), name  # the same kernels on the CPU


def test_the_trainer_asks_for_deterministic_kernels_on_cuda_only(synth_dir, torch_defaults, monkeypatch):
    seen = []
    monkeypatch.setattr("mvae_core.trainer.deterministic_algorithms", lambda enabled: _record(seen, enabled))
    make_trainer(synth_dir, tiny_config(epochs=1)).fit()
    assert seen == [False]  # CPU: nothing to change


def _record(seen: list[bool], enabled: bool):
    seen.append(enabled)
    return deterministic_algorithms(enabled)
