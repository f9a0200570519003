"""``mvae_core.models.check_player``: a model's own tests compare its live player with ``decode_notes`` in one call
(docs/models.md, Writing a model). ``mvae serve`` plays the player and ``generate`` writes ``decode_notes``; a model
whose ``decode_notes`` drew a batch's patterns from one generator, or whose player computed its notes otherwise,
played other loops live than the files at the same point, and nothing said so."""

from __future__ import annotations

import re

import numpy as np
import pytest
import torch

from mvae_core.config import build_config
from mvae_core.generation import DecodeOptions, select_notes, to_heads
from mvae_core.models import BUILTIN_MODELS, ModelContractError, build_model, check_player
from mvae_core.models.seed import SeedModel
from tests.test_models import _installed, tiny

POINTS = torch.randn(4, 2, generator=torch.Generator().manual_seed(0))
OPTIONS = DecodeOptions(seed=3)


def _built(model: str) -> SeedModel:
    return build_model(build_config(None, tiny(model))).eval()


@pytest.mark.parametrize("model", sorted(BUILTIN_MODELS))
@pytest.mark.parametrize("options", [OPTIONS, DecodeOptions(seed=1, temperature=0, density=1.5)], ids=["drawn", "t0"])
def test_the_built_in_players_write_decode_notes_notes(model, options):
    check_player(model, _built(model), POINTS, options)


def test_a_model_in_training_mode_is_compared_in_eval_mode_as_mvae_decodes_it():
    """Dropout and BatchNorm in training mode made decode_notes differ from the player's copy in eval mode."""
    model = build_model(build_config(None, tiny("seed")))
    assert model.training
    check_player("seed", model, POINTS, OPTIONS)


class _OneGenerator(SeedModel):
    @torch.inference_mode()
    def decode_notes(self, z, options):
        heads = to_heads(self.decode(z))
        rng = np.random.default_rng(options.seed)  # one generator for the batch, not pattern_rng(options, i)
        return [select_notes(heads, i, options, rng) for i in range(len(z))]


def test_a_decode_notes_drawing_the_batch_from_one_generator_is_named(monkeypatch):
    _installed(monkeypatch, "one_generator", _OneGenerator)
    with pytest.raises(ModelContractError) as error:
        check_player("one_generator", _built("one_generator"), POINTS, OPTIONS)
    assert re.match(
        r"^model 'one_generator' \(package mvae-x\): player\(\)\.notes\(z\[(\d)\], options, index=\1\) wrote \d+ notes "
        r"at \(step, row\) \[.*\] against \d+ at \[.*\], where decode_notes wrote the notes of point \1; the live player "
        r"\(mvae serve\) must write decode_notes' notes: draw pattern i's random choices from "
        r"mvae_core\.generation\.pattern_rng\(options, i\), in decode_notes and in the player alike \(docs/models\.md, "
        r"Writing a model\)$",
        str(error.value),
    ), error.value


class _LouderPlayer:
    def __init__(self, model: SeedModel) -> None:
        self.inner, self.latent_dim = SeedModel.player(model), model.latent_dim

    def notes(self, z, options=None, index=0):
        return [note._replace(velocity=min(1.0, note.velocity + 0.01)) for note in self.inner.notes(z, options, index)]


class _Louder(SeedModel):
    def player(self):
        return _LouderPlayer(self)


class _WrongSize(SeedModel):
    def player(self):
        player = _LouderPlayer(self)
        player.latent_dim = 3
        return player


def test_a_player_whose_velocities_differ_or_whose_latent_dim_is_not_the_models_is_named(monkeypatch):
    _installed(monkeypatch, "louder", _Louder)
    with pytest.raises(ModelContractError, match=r"^model 'louder' \(package mvae-x\): player\(\)\.notes\(z\[0\], "
                       r"options, index=0\) wrote the note at step \d+, row \d+ with velocity [\d.]+ against [\d.]+, "):  # fmt: skip
        check_player("louder", _built("louder"), POINTS, OPTIONS)
    _installed(monkeypatch, "wrong_size", _WrongSize)
    with pytest.raises(ModelContractError, match=r"^model 'wrong_size' \(package mvae-x\): player\(\) returned a "
                       r"player whose latent_dim is 3, not the model's 2 \(docs/models\.md, Writing a model\)$"):  # fmt: skip
        check_player("wrong_size", _built("wrong_size"), POINTS, OPTIONS)
