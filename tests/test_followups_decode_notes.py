"""A model whose decode_notes breaks the contract is named with its package, as one whose loss_terms does."""

from __future__ import annotations

import re

import pytest

import mvae_core
from mvae_core.models import ModelError
from mvae_core.models.seed import SeedModel
from tests.test_models import _installed, tiny


class _PlainTuples(SeedModel):
    def decode_notes(self, z, options):
        return [[tuple(note) for note in notes] for notes in super().decode_notes(z, options)]


class _Tuple(SeedModel):
    def decode_notes(self, z, options):
        return tuple(super().decode_notes(z, options))


class _OneShort(SeedModel):
    def decode_notes(self, z, options):
        return super().decode_notes(z, options)[1:]


@pytest.mark.parametrize(
    ("cls", "returned"),
    [
        (_PlainTuples, r"returned \(.*\) \(a tuple\) in the notes of latent point 0"),  # 'tuple' has no attribute 'row'
        (_Tuple, r"returned a tuple for \d+ latent points"),
        (_OneShort, r"returned \d+ items for \d+ latent points"),
    ],
)
def test_a_model_whose_decode_notes_breaks_the_contract_is_named_with_its_package(
    monkeypatch, synth_dir, tmp_path, cls, returned
):
    _installed(monkeypatch, "mine", cls)
    with pytest.raises(ModelError) as error:
        mvae_core.train([synth_dir], tmp_path / "r", overrides=tiny("mine"), plugins=[], epochs=1, progress=False)
    assert re.fullmatch(
        rf"model 'mine' \(package mvae-x\): decode_notes {returned}; it must return one list of "
        r"mvae_core\.generation\.Note per latent point \(docs/models\.md, Writing a model\)",
        str(error.value),
    ), str(error.value)
