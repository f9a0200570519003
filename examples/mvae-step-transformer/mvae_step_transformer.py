"""step_transformer: a decoder written from scratch on :class:`mvae_core.models.base.MelodyModel`, the worked example
of every method of the contract (docs/models.md, "Writing a model"; ``examples/mvae-wide-seed`` inherits them).

z becomes 32 step tokens (one linear map of z plus a learned embedding of each step's place in the two bars), a
small Transformer encoder lets every step read the others, and one linear layer per step gives the step's outputs:
an onset logit, a velocity and a duration per pitch row, and the logits of the step's timing class
(:class:`mvae_core.timing.TimingBins`, shared by the step's rows as in the ``seed`` model). The steps are decoded
together, not one after another, so the decoder needs no teacher forcing and its notes are chosen by mvae's per-cell
rules (:func:`mvae_core.generation.select_notes`: ``--density``, ``--temperature``, ``--poly``, thresholds).

Its training output (:class:`StepOutput`) is laid out by step, ``[batch, 32, rows]``, as a Transformer gives it; what
validation and ``mvae evaluate`` score is mvae's per-cell :class:`~mvae_core.models.base.Decoded`, ``[batch, rows,
32]``, which :meth:`StepTransformer.predict_cells` builds from it.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass
from typing import Any

import torch
import torch.nn.functional as F
from pydantic import BaseModel, ConfigDict, Field, model_validator
from torch import nn

from mvae_core.config import ModelConfig, MvaeConfig
from mvae_core.data.split import LoopSet
from mvae_core.errors import ConfigError
from mvae_core.generation import DecodeOptions, Note, pattern_rng, select_notes, to_heads
from mvae_core.losses import kl_per_dimension
from mvae_core.models.base import Decoded, Forward, MelodyModel, log_frequencies, player_point
from mvae_core.timing import TimingBins

STEPS = 32
"""16th steps of a loop (two bars of 4/4): mvae's grid."""


@dataclass
class StepOutput:
    """What :meth:`StepTransformer.decode_for_training` returns and :meth:`StepTransformer.loss_terms` reads (the
    model's own type: mvae hands it from one to the other as ``Forward.decoded``), each laid out by step."""

    onset_logits: torch.Tensor  # [batch, 32, rows]
    velocity: torch.Tensor  # [batch, 32, rows], 0..1
    duration: torch.Tensor  # [batch, 32, rows], 0..1
    timing_logits: torch.Tensor  # [batch, 32, timing classes]


class StepTransformer(MelodyModel):
    """A Transformer encoder across the 32 steps, each step's token made from z and its place (module docstring)."""

    name = "step_transformer"  # for this code; mvae knows the model by its entry-point name (pyproject.toml)
    description = "A small Transformer across the 32 steps: every step reads z and the other steps"
    decoder_modules = ("from_z", "places", "transformer", "to_step")  # what mvae bend perturbs (a parameter too)

    class Settings(BaseModel):
        """``[model.step_transformer]``: ``mvae models`` lists each field with its type, default and description."""

        model_config = ConfigDict(extra="forbid")
        width: int = Field(default=64, ge=8, le=1024, description="Size of each step's token (d_model).")
        layers: int = Field(default=2, ge=1, le=12, description="Transformer layers across the steps.")
        heads: int = Field(default=4, ge=1, le=16, description="Attention heads of a layer; they divide width.")

        @model_validator(mode="after")
        def _heads_divide_width(self) -> StepTransformer.Settings:
            """A rule among the model's own settings belongs here: mvae reports the ValueError with the section."""
            if self.width % self.heads:
                raise ValueError(f"heads ({self.heads}) must divide width ({self.width})")
            return self

    settings: Settings  # what mvae hands __init__: this model's validated Settings (MelodyModel says BaseModel | Any)
    timing: TimingBins

    def __init__(self, cfg: ModelConfig, settings: Settings, pitch_classes: int) -> None:
        super().__init__(cfg, settings, pitch_classes)  # builds self.encoder, sets cfg, settings, pitch_classes
        width = settings.width
        self.timing = TimingBins(cfg.timing_bins)
        self.from_z = nn.Linear(cfg.latent_dim, width)
        self.places = nn.Parameter(torch.randn(STEPS, width) * 0.02)
        layer = nn.TransformerEncoderLayer(width, settings.heads, 2 * width, cfg.dropout, batch_first=True)
        self.transformer = nn.TransformerEncoder(layer, settings.layers, enable_nested_tensor=False)
        self.to_step = nn.Linear(width, 3 * pitch_classes + self.timing.n_classes)

    @classmethod
    def check_config(cls, cfg: MvaeConfig) -> None:
        """Refuse what this model cannot train with, naming the setting (before any data is read)."""
        if cfg.model.timing_head != "categorical":
            raise ConfigError(
                f"model.timing_head = {cfg.model.timing_head!r}: step_transformer has only the categorical timing "
                "head; remove the setting"
            )
        if cfg.loss.mask != "notes":
            raise ConfigError(
                f"loss.mask = {cfg.loss.mask!r}: step_transformer learns velocity, duration and timing at the notes "
                "only; remove the setting"
            )

    @torch.no_grad()  # it sets parameters in place: with gradients on, torch refuses that
    def init_from_data(self, train: LoopSet) -> None:
        """Start every onset logit at the training split's onset rate and the timing classes at its offsets'
        frequencies, instead of p = 0.5 per cell and a uniform timing (the first epochs would learn only that)."""
        rate = min(max(train.onset_rate(self.pitch_classes), 1e-6), 1 - 1e-6)
        bias = self.to_step.bias
        bias[: self.pitch_classes].fill_(math.log(rate / (1 - rate)))
        counts = self.timing.class_counts(train.weighted_notes("timeshift"))
        if counts.sum() > 0:
            bias[3 * self.pitch_classes :].copy_(log_frequencies(counts))

    def decode_steps(self, z: torch.Tensor) -> StepOutput:
        """Every step's outputs at the latent points ``z [batch, latent_dim]``."""
        tokens = self.transformer(self.from_z(z).unsqueeze(1) + self.places)
        out = self.to_step(tokens)
        rows = self.pitch_classes
        velocity, duration = torch.sigmoid(out[..., rows : 2 * rows]), torch.sigmoid(out[..., 2 * rows : 3 * rows])
        return StepOutput(out[..., :rows], velocity, duration, out[..., 3 * rows :])

    def decode_for_training(self, z: torch.Tensor, x: torch.Tensor) -> StepOutput:
        return self.decode_steps(z)  # all steps at once from z: the true loops x are not read

    def loss_terms(self, x: torch.Tensor, output: Forward, mask: str) -> dict[str, torch.Tensor]:
        """The five core terms, each summed over the cells (or steps) and averaged over the batch: binary
        cross-entropy of every cell's onset, squared errors of velocity and duration at the true notes, the negative
        log-likelihood of each note's timing class under its step's distribution, and the KL term."""
        out: StepOutput = output.decoded
        batch = x.shape[0]
        by_step = x.transpose(2, 3)  # [batch, 4, 32, rows]: the loops laid out as the decoder's output
        onset = by_step[:, 0]
        return {
            "onset": F.binary_cross_entropy_with_logits(out.onset_logits, onset, reduction="sum") / batch,
            "velocity": (onset * (out.velocity - by_step[:, 1]) ** 2).sum() / batch,
            "duration": (onset * (out.duration - by_step[:, 2]) ** 2).sum() / batch,
            "timeshift": self.timing.nll(out.timing_logits, by_step[:, 3], onset) / batch,
            "kl": kl_per_dimension(output.mu, output.logvar).sum() / batch,
        }

    def cells(self, z: torch.Tensor) -> Decoded:
        """Every cell's prediction at ``z``, as mvae's per-cell :class:`Decoded` ``[batch, rows, 32]``; the point
        estimate of the offset is the mean of its step's timing distribution."""
        out = self.decode_steps(z)
        mean = self.timing.mean(out.timing_logits).unsqueeze(1).expand(-1, self.pitch_classes, -1)
        per_cell = (out.onset_logits, out.velocity, out.duration)
        onset, velocity, duration = (tensor.transpose(1, 2) for tensor in per_cell)
        return Decoded(onset, velocity, duration, mean, out.timing_logits, self.timing)

    def predict_cells(self, x: torch.Tensor, z: torch.Tensor) -> Decoded:
        return self.cells(z)

    @torch.inference_mode()  # generate calls it with gradients on
    def decode_notes(self, z: torch.Tensor, options: DecodeOptions) -> list[list[Note]]:
        """mvae's per-cell note choice, each pattern's draws from ``pattern_rng(options, i)`` (select_notes')."""
        heads = to_heads(self.cells(z))  # numpy, on the CPU
        return [select_notes(heads, i, options) for i in range(z.shape[0])]

    def player(self) -> CopyPlayer:
        return CopyPlayer(self)


class CopyPlayer:
    """The live player (``mvae serve``, ``run.player()``): a copy of the model in eval mode on the CPU, one point at a
    time, writing :meth:`StepTransformer.decode_notes`' notes at the same point and options."""

    def __init__(self, model: StepTransformer) -> None:
        self.model = copy.deepcopy(model).cpu().eval()
        self.latent_dim = model.latent_dim

    def notes(self, z: Any, options: DecodeOptions | None = None, index: int = 0) -> list[Note]:
        options = options if options is not None else DecodeOptions()
        self.model.check_options(options)  # a live host calls no check_options of its own
        point = torch.from_numpy(player_point(z, self.latent_dim)).unsqueeze(0)  # refuses a wrong size or a NaN
        with torch.inference_mode():
            heads = to_heads(self.model.cells(point))
        return select_notes(heads, 0, options, rng=pattern_rng(options, index))


__all__ = ["CopyPlayer", "StepOutput", "StepTransformer"]
