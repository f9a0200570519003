"""The recipe of docs/models.md, "Writing a model", as an author follows it: a model written from ``MelodyModel`` with
the helpers the page names (``kl_per_dimension``, ``to_heads`` and ``select_notes``, ``pattern_rng``,
``player_point``) keeps mvae's contract, the simplest player the page describes writes ``decode_notes``' notes, and a
setting renamed in a later version of a package keeps the runs of the earlier one loading and resuming."""

from __future__ import annotations

import copy
import tomllib

import pytest
import torch
import torch.nn.functional as F
from pydantic import BaseModel, ConfigDict, Field, model_validator
from torch import nn

import mvae_core
from mvae_core.config import ConfigError, build_config
from mvae_core.generation import DecodeOptions, pattern_rng, select_notes, to_heads
from mvae_core.losses import kl_per_dimension
from mvae_core.models import (
    check_cells,
    check_decoder_modules,
    check_notes,
    check_player,
    check_terms,
    resolve_model,
)
from mvae_core.models.base import Decoded, MelodyModel, player_point
from tests.test_models import _installed, tiny

STEPS = 32


class _Cells(MelodyModel):
    """Every cell from z through one hidden layer of ``[model.cells] depth`` units, written as the page says."""

    name = "cells"
    description = "Every cell from z through one hidden layer"
    decoder_modules = ("body",)

    class Settings(BaseModel):
        model_config = ConfigDict(extra="forbid")
        depth: int = Field(8, ge=1)

    def __init__(self, cfg, settings, pitch_classes):
        super().__init__(cfg, settings, pitch_classes)
        units = self.units()
        self.body = nn.Sequential(nn.Linear(cfg.latent_dim, units), nn.Tanh(), nn.Linear(units, 4 * pitch_classes * 32))

    def units(self) -> int:
        return self.settings.depth

    def decode(self, z):
        h = self.body(z).view(z.shape[0], 4, self.pitch_classes, STEPS)
        return Decoded(h[:, 0], torch.sigmoid(h[:, 1]), torch.sigmoid(h[:, 2]), torch.tanh(h[:, 3]))

    def decode_for_training(self, z, x):
        return self.decode(z)

    def predict_cells(self, x, z):
        return self.decode(z)

    def loss_terms(self, x, output, mask):
        out, batch, onset = output.decoded, x.shape[0], x[:, 0]
        weight = onset if mask == "notes" else torch.ones_like(onset)
        terms = {"onset": F.binary_cross_entropy_with_logits(out.onset_logits, onset, reduction="sum") / batch}
        for channel, name in ((1, "velocity"), (2, "duration"), (3, "timeshift")):
            terms[name] = (weight * (getattr(out, name) - x[:, channel]) ** 2).sum() / batch
        terms["kl"] = kl_per_dimension(output.mu, output.logvar).sum() / batch
        return terms

    @torch.inference_mode()
    def decode_notes(self, z, options):
        heads = to_heads(self.decode(z))
        return [select_notes(heads, i, options) for i in range(z.shape[0])]

    def player(self):
        return _CopyPlayer(self)


class _CopyPlayer:
    """The page's simplest player: a copy of the model in eval mode, one point at a time."""

    def __init__(self, model: _Cells) -> None:
        self.model, self.latent_dim = copy.deepcopy(model).eval(), model.latent_dim

    def notes(self, z, options=None, index=0):
        options = options or DecodeOptions()
        point = torch.from_numpy(player_point(z, self.latent_dim))[None]
        with torch.inference_mode():
            heads = to_heads(self.model.decode(point))
        return select_notes(heads, 0, options, pattern_rng(options, index))


def _loops(batch: int, pitch_classes: int) -> torch.Tensor:
    """``x [batch, 4, pitch_classes, 32]``: a rising line of 8th notes per loop, a little off the grid."""
    x = torch.zeros(batch, 4, pitch_classes, STEPS)
    for i in range(batch):
        for step in range(0, STEPS, 2):
            x[i, :, (i + step // 2) % pitch_classes, step] = torch.tensor([1.0, 0.7, 0.2, 0.1 * (step % 3 - 1)])
    return x


@pytest.mark.parametrize(
    "options",
    [DecodeOptions(seed=3), DecodeOptions(seed=1, temperature=0.8, poly=True), DecodeOptions(threshold_min=0.4)],
    ids=["default", "poly", "threshold"],
)
def test_a_model_written_with_the_documented_helpers_keeps_the_contract_and_its_player_plays_its_notes(options):
    config = build_config(None, [*tiny("seed"), "model.latent_dim=3"])
    pitch_classes = config.data.pitch_classes
    model = _Cells(config.model, _Cells.Settings(depth=16), pitch_classes)
    check_decoder_modules("cells", model)
    x = _loops(5, pitch_classes)
    check_terms("cells", model.loss_terms(x, model(x), config.loss.mask))  # a training step: gradients on
    model.eval()
    z = torch.randn(5, 3, generator=torch.Generator().manual_seed(0))
    check_cells("cells", model.predict_cells(x, z), x)
    notes = model.decode_notes(z, options)
    check_notes("cells", notes, len(z), pitch_classes)
    assert any(notes)  # the note choice ran: a check of empty lists would prove little
    check_player("cells", model, z, options)
    with pytest.raises(ValueError, match=r"^z needs 3 numbers \(the model's latent_dim\), got 2$"):
        model.player().notes([0.5, -1.0], options)


class _Renamed(_Cells):
    """Version 2 of the package: ``depth`` is now ``units``, and the old key still reads (docs/models.md)."""

    class Settings(BaseModel):
        model_config = ConfigDict(extra="forbid")
        units: int = Field(8, ge=1)

        @model_validator(mode="before")
        @classmethod
        def _earlier_name(cls, data):
            if isinstance(data, dict) and "depth" in data:
                data = {key: value for key, value in data.items() if key != "depth"} | {"units": data["depth"]}
            return data

    def units(self) -> int:
        return self.settings.units


class _Dropped(_Cells):
    """Version 2 without the conversion: ``depth`` renamed to ``units`` and nothing else."""

    class Settings(BaseModel):
        model_config = ConfigDict(extra="forbid")
        units: int = Field(8, ge=1)

    def units(self) -> int:
        return self.settings.units


def test_a_setting_renamed_with_a_before_validator_keeps_the_earlier_versions_run_loading(
    monkeypatch, synth_dir, tmp_path
):
    out = tmp_path / "run"
    overrides = [*tiny("cells"), "model.cells.depth=12", 'data.cache_dir="none"']
    _installed(monkeypatch, "cells", _Cells)
    mvae_core.train([synth_dir], out, overrides=overrides, plugins=[], epochs=1, progress=False)

    _installed(monkeypatch, "cells", _Dropped)  # what the page warns of: the run's config.toml has depth = 12
    with pytest.raises(ConfigError, match=r"model\.cells\.depth = 12: unknown setting"):
        mvae_core.load(out)
    with pytest.raises(ConfigError, match=r"model\.cells\.depth = 12: unknown setting"):
        resolve_model(build_config(None, overrides))

    _installed(monkeypatch, "cells", _Renamed)
    run = mvae_core.load(out)
    assert run.model.settings.units == 12 and run.model.body[0].out_features == 12
    resumed = mvae_core.train(out=out, resume=True, epochs=2, progress=False)
    assert resumed.outcome == "trained" and [r["epoch"] for r in resumed.metrics()] == [0, 1]
    section = tomllib.loads((out / "config.toml").read_text(encoding="utf-8"))["model"]["cells"]
    assert section == {"units": 12}  # a resume writes the new name
