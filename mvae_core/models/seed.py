"""``seed``: the ancestor's architecture in PyTorch, every cell decoded independently from the latent point.

Decoder: Linear → BN → LeakyReLU → Dropout to 2·hidden, then four heads, each Linear → BN → LeakyReLU → Dropout →
Linear: onset (logits per cell), velocity (sigmoid), duration (sigmoid) and timing. The timing head is
``model.timing_head``: ``mse`` (the seed) predicts one offset per cell (tanh); ``categorical`` predicts, for each of
the 32 steps, logits over the offset classes of :class:`~mvae_core.timing.TimingBins` — the distribution of where a
note starting at that step lands, shared by the pitches of the step (melodies have one note per step; a per-cell
distribution would multiply the head by the number of pitch rows for nothing).

Loss terms (summed over cells, averaged over the batch): ``onset`` is the binary cross-entropy of every cell;
``velocity`` and ``duration`` are squared errors over the true note cells (``loss.mask = "notes"``) or over every
cell (``"all"``, the seed behaviour, which shrinks predictions towards 0 by the onset probability, bug D7);
``timeshift`` likewise, or with the categorical head the negative log-likelihood (nats) of each note's offset
class under its step's distribution; ``kl`` is KL(q(z|x) ‖ N(0, I)). Notes are chosen by the rules of
:mod:`mvae_core.generation`.

Consecutive notes know about each other only through ``z``: the decoded pitch motion is that of random notes in the
data's key about two thirds of the way (docs/models.md).
"""

from __future__ import annotations

import math
from typing import Any, ClassVar, cast

import torch
import torch.nn.functional as F
from pydantic import BaseModel
from torch import nn

from mvae_core.config import ModelConfig, MvaeConfig
from mvae_core.data.loops import STEPS_PER_LOOP
from mvae_core.data.split import LoopSet
from mvae_core.generation import DecodeOptions, Note, select_notes, to_heads
from mvae_core.losses import kl_per_dimension
from mvae_core.models.base import Decoded, Forward, MelodyModel, NotePlayer, log_frequencies
from mvae_core.models.encoder import block
from mvae_core.models.onnx import OnnxGraph
from mvae_core.timing import TimingBins

ONSET, VELOCITY, DURATION, TIMING = range(4)
"""The heads' places in ``SeedModel.heads`` (and in the live player's arrays): onset logits, velocity, duration,
timing."""

_LEGACY_ENCODER = ("branches.", "trunk.", "to_mu.", "to_logvar.")
"""Parameter names of runs saved before the encoder became a module of its own (``encoder.`` prefix since)."""


class SeedModel(MelodyModel):
    """The ``seed`` architecture (the module docstring): every cell decoded from z at once."""

    name: ClassVar[str] = "seed"
    description: ClassVar[str] = (
        "The ancestor's decoder: every pitch × step cell decoded independently from z (fast; no melodic line)"
    )
    decoder_modules: ClassVar[tuple[str, ...]] = ("from_z", "heads")
    from_z: nn.Sequential
    timing: TimingBins | None
    heads: nn.ModuleList

    def __init__(self, cfg: ModelConfig, settings: BaseModel, pitch_classes: int) -> None:
        super().__init__(cfg, settings, pitch_classes)
        cells = pitch_classes * STEPS_PER_LOOP
        hidden, trunk = cfg.hidden, self.trunk_width()
        self.from_z = block(cfg.latent_dim, trunk, cfg)
        self.timing = TimingBins(cfg.timing_bins) if cfg.timing_head == "categorical" else None
        timing_outputs = STEPS_PER_LOOP * self.timing.n_classes if self.timing else cells
        self.heads = nn.ModuleList(
            nn.Sequential(block(trunk, hidden, cfg), nn.Linear(hidden, n_out))
            for n_out in (cells, cells, cells, timing_outputs)
        )
        self.register_load_state_dict_pre_hook(_legacy_encoder_names)

    def head_layers(self, head: int) -> tuple[nn.Sequential, nn.Linear]:
        """Head ``head``'s (:data:`ONSET`, :data:`VELOCITY`, …) block and output Linear, as what they are
        (``nn.ModuleList`` hands out Modules)."""
        layers = cast(nn.Sequential, self.heads[head])
        return cast(nn.Sequential, layers[0]), cast(nn.Linear, layers[-1])

    def trunk_width(self) -> int:
        """Units of the trunk, the block between z and the four heads: ``2 · model.hidden``. A subclass overrides
        it to widen or narrow the decoder (``examples/mvae-wide-seed``); the layout stays what the player, the
        export and ``init_from_data`` read: ``from_z`` a block (Linear → BatchNorm → LeakyReLU → Dropout), each head
        a block from the trunk to ``model.hidden`` then its output Linear. Called by ``__init__``, with ``cfg``,
        ``settings`` and ``pitch_classes`` set."""
        return 2 * self.cfg.hidden

    @torch.no_grad()
    def init_from_data(self, train: LoopSet) -> None:
        """Start the onset head at the data's onset rate (bias = logit(rate)) instead of p = 0.5 per cell, and the
        categorical timing head at the data's offset-class frequencies (bias = log frequency, every step).

        With hundreds of mostly empty cells, p = 0.5 everywhere costs the first epochs just learning silence; a
        uniform timing distribution would make a model trained on quantized music write off-grid notes until it
        has learned otherwise.
        """
        rate = min(max(train.onset_rate(self.pitch_classes), 1e-6), 1 - 1e-6)
        self.head_layers(ONSET)[1].bias.fill_(math.log(rate / (1 - rate)))
        if self.timing is None:
            return
        counts = self.timing.class_counts(train.weighted_notes("timeshift"))
        if counts.sum() > 0:
            self.head_layers(TIMING)[1].bias.copy_(log_frequencies(counts).repeat(STEPS_PER_LOOP))

    def decode(self, z: torch.Tensor) -> Decoded:
        """Every cell's prediction at the latent points ``z [B, latent_dim]``."""
        h = self.from_z(z)
        shape = (z.shape[0], self.pitch_classes, STEPS_PER_LOOP)
        onset, velocity, duration = (self.heads[k](h).view(shape) for k in (ONSET, VELOCITY, DURATION))
        timing = self.heads[TIMING](h)
        if self.timing is None:
            return Decoded(onset, torch.sigmoid(velocity), torch.sigmoid(duration), torch.tanh(timing.view(shape)))
        logits = timing.view(z.shape[0], STEPS_PER_LOOP, self.timing.n_classes)
        mean = self.timing.mean(logits).unsqueeze(1).expand(shape)
        return Decoded(onset, torch.sigmoid(velocity), torch.sigmoid(duration), mean, logits, self.timing)

    def decode_for_training(self, z: torch.Tensor, x: torch.Tensor) -> Decoded:
        return self.decode(z)

    def predict_cells(self, x: torch.Tensor, z: torch.Tensor) -> Decoded:
        return self.decode(z)

    def loss_terms(self, x: torch.Tensor, output: Forward, mask: str) -> dict[str, torch.Tensor]:
        out: Decoded = output.decoded
        batch = x.shape[0]
        onset = x[:, 0]
        weight = onset if mask == "notes" else torch.ones_like(onset)
        terms = {"onset": F.binary_cross_entropy_with_logits(out.onset_logits, onset, reduction="sum") / batch}
        for channel, name in ((1, "velocity"), (2, "duration"), (3, "timeshift")):
            if name == "timeshift" and out.timing is not None:
                # one distribution per step, shared by the step's rows: the rows go last, [B, 32, rows]
                offsets, note_weight = x[:, 3].transpose(1, 2), weight.transpose(1, 2)
                terms[name] = out.timing.nll(out.timing_logits, offsets, note_weight) / batch
            else:
                terms[name] = (weight * (getattr(out, name) - x[:, channel]) ** 2).sum() / batch
        terms["kl"] = kl_per_dimension(output.mu, output.logvar).sum() / batch
        return terms

    @torch.inference_mode()
    def decode_notes(self, z: torch.Tensor, options: DecodeOptions) -> list[list[Note]]:
        heads = to_heads(self.decode(z))
        return [select_notes(heads, i, options) for i in range(z.shape[0])]

    def player(self) -> NotePlayer:
        from mvae_core.models.seed_player import SeedPlayer

        return SeedPlayer(self)

    def onnx_graph(self, cfg: MvaeConfig) -> OnnxGraph:
        from mvae_core.models.seed_onnx import seed_graph

        return seed_graph(self, cfg)


def _legacy_encoder_names(module: nn.Module, state_dict: dict[str, Any], prefix: str, *_: Any) -> None:
    """Load a state saved before the encoder had its own module: ``branches.*`` → ``encoder.branches.*`` etc."""
    for key in [k for k in state_dict if k.startswith(tuple(prefix + name for name in _LEGACY_ENCODER))]:
        state_dict[prefix + "encoder." + key[len(prefix) :]] = state_dict.pop(key)
