"""``melody_rnn``: a decoder that knows the previous note — one token per 16th step, decoded by a GRU from the latent.

A loop is read as 32 **tokens**, one per step: ``0`` = no note starts, ``1 + row`` = a note starts at that pitch row
(the highest, when the data has several: the model writes melodies, one note at a time; the MusicVAE melody
representation without its "hold" token, since durations have their own head). The decoder is a GRU whose state
starts at ``tanh(W·z)``; at every step it reads the previous token (an embedding), the step's position in the two
bars (an embedding) and ``z``, and gives the logits of the step's token. For the note a step writes, a small head
reads the GRU state and the note's token and gives its velocity, duration and a distribution of its offset (the
categorical timing classes of :class:`~mvae_core.timing.TimingBins`).

Training uses teacher forcing (the true previous token), with **token dropout**: ``token_dropout`` of the previous
tokens are replaced by the start token, so the decoder cannot predict everything from the history and has to read
``z`` (Bowman et al. 2016; without it the 2-D latent went unused). Loss terms: ``onset`` is the token cross-entropy
summed over the 32 steps (which note, or none); ``velocity`` and ``duration`` the squared errors at the steps with a
note; ``timeshift`` the negative log-likelihood of their offset class; ``kl`` as for every model. With ``bag_weight``
above 0, an added term ``bag`` (Zhao et al. 2017's bag-of-words loss): a small head reads ``z`` alone and gives one
distribution over the pitch rows, and ``bag`` is ``bag_weight`` × the negative log-likelihood of the loop's notes'
rows under it, summed over its notes, whatever their order; so ``z`` has to say which pitches the loop holds. It
only trains the encoder and that head: decoding never reads it.

Decoding (:meth:`MelodyRNN.decode_notes`; :class:`~mvae_core.models.melody_rnn_player.MelodyRNNPlayer` does the same
for one point, live): step by step, the step sounds with probability ``min(1, density · p_note)`` (``p_note = 1 −
p_rest``) and its row is drawn with probabilities ``∝ p_row^(1/t)``, ``t = pitch_temperature · temperature``, among
the rows whose weight is at least ``pitch_min_p`` times the largest one (min-p sampling: the unlikely tail, where a
melody's wrong notes are, is never drawn; both are settings, chosen on training tunes, docs/models.md); the chosen
token is the next step's input. With ``temperature = 0`` the choice is deterministic: the most probable row, at the
steps where the expected note count (``Σ density · p_note``, accumulated over the steps) passes the count written so
far by ½, which writes as many notes as the model expects, where it expects them. Offsets are drawn as for every model
(:func:`~mvae_core.generation.offsets_by_step`). ``poly`` and the ancestor's thresholds do not apply (one note per
step, no per-cell probabilities): they are refused.
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, cast

import numpy as np
import torch
import torch.nn.functional as F
from pydantic import BaseModel, ConfigDict, Field
from torch import nn

from mvae_core.config import ConfigError, ModelConfig, MvaeConfig
from mvae_core.data.loops import STEPS_PER_LOOP
from mvae_core.errors import option_flag
from mvae_core.generation import DecodeOptions, Note, make_notes, offsets_by_step, pattern_rng
from mvae_core.losses import kl_per_dimension
from mvae_core.models.base import Decoded, Forward, MelodyModel, NotePlayer, UnsupportedOption, log_frequencies
from mvae_core.models.onnx import OnnxGraph
from mvae_core.timing import TimingBins

if TYPE_CHECKING:
    from mvae_core.data.split import LoopSet

POSITION_SIZE = 16
"""Size of the embedding of a step's position in the loop (0..31)."""
REST = 0


class MelodyRNNSettings(BaseModel):
    """``[model.melody_rnn]``."""

    model_config: ClassVar[ConfigDict] = ConfigDict(extra="forbid")
    rnn_hidden: int = Field(
        default=256, ge=8, le=4096, description="Width of the GRU state (128: 0.7x the live time, fewer notes in key)."
    )
    embedding: int = Field(
        default=32, ge=2, le=1024, description="Size of a token's embedding (no note, or a pitch row)."
    )
    token_dropout: float = Field(
        default=0.5,
        ge=0,
        lt=1,
        description="Training: share of previous tokens hidden from the decoder, so it reads z.",
    )
    bag_weight: float = Field(
        default=0.0,
        ge=0,
        description="Training: weight of the added term bag, z alone predicting the loop's pitches (0: off).",
    )
    pitch_temperature: float = Field(
        default=1.0, gt=0, description="Decoding: temperature of the pitch draw at --temperature 1 (it scales it)."
    )
    pitch_min_p: float = Field(
        default=0.02,
        ge=0,
        lt=1,
        description="Decoding: rows below this share of the likeliest row are never drawn (min-p).",
    )


@dataclass
class TokenOutput:
    """The decoder's training output: ``token_logits [B, 32, pitch_classes + 1]``, the true ``tokens [B, 32]`` it was
    fed, for the true tokens ``velocity``, ``duration`` ``[B, 32]`` (0..1) and ``timing_logits [B, 32, C]``, and the
    bag head's ``bag_logits [B, pitch_classes]`` (``None`` with ``bag_weight`` 0)."""

    token_logits: torch.Tensor
    tokens: torch.Tensor
    velocity: torch.Tensor
    duration: torch.Tensor
    timing_logits: torch.Tensor
    bag_logits: torch.Tensor | None


def top_tokens(x: torch.Tensor) -> torch.Tensor:
    """``x [B, 4, P, 32]`` → ``[B, 32]`` int64: 0 where no note starts, else 1 + the highest row with an onset."""
    rows = torch.arange(x.shape[2], device=x.device).view(1, -1, 1)
    return torch.where(x[:, 0] > 0.5, rows, -1).amax(dim=1) + 1


class TokenChooser:
    """The token choice of one pattern, step by step (the rule of the module docstring); it keeps the running note
    counts that ``temperature = 0`` needs. One implementation for the batch path and the live player.
    ``pitch_temperature`` scales ``options.temperature`` for the row draw, and rows whose tempered weight is below
    ``pitch_min_p`` × the largest are left out of it (the model's settings)."""

    density: float
    temperature: float
    min_p: float
    expected: float
    written: float

    def __init__(self, options: DecodeOptions, pitch_temperature: float = 1.0, pitch_min_p: float = 0.0) -> None:
        self.density, self.temperature = options.density, options.temperature * pitch_temperature
        self.min_p = pitch_min_p
        self.expected = self.written = 0.0

    @classmethod
    def with_settings(cls, options: DecodeOptions, settings: MelodyRNNSettings) -> TokenChooser:
        """The chooser of one pattern decoded with ``options`` by a model with these settings."""
        return cls(options, settings.pitch_temperature, settings.pitch_min_p)

    def __call__(self, logits: np.ndarray, uniforms: Sequence[float]) -> int:
        """The token of a step from its ``logits [1 + P]`` (no note first; a 1-D array of any float dtype) and its two
        uniform draws (sound or not, which row). Plain Python floats inside: on ~25 numbers that is 1.7× as fast as
        a dozen numpy calls (docs/benchmarks.md), and the live player calls this 32 times per pattern."""
        values = logits.tolist()
        top = max(values)
        unnormalised = [math.exp(v - top) for v in values]
        p_note = min(1.0, self.density * (1.0 - unnormalised[REST] / math.fsum(unnormalised)))
        if self.temperature <= 0:
            self.expected += p_note
            if self.expected - self.written < 0.5:
                return REST
            self.written += 1
            return values.index(max(values[1:]), 1)  # the first most probable row
        if uniforms[0] >= p_note:
            return REST
        weights = unnormalised[1:]
        if self.temperature != 1:  # relative to the likeliest row, whose weight stays 1: no power underflows to 0 alone
            exponent, top_row = 1.0 / self.temperature, max(weights)  # above 0: p_note > 0 for a step that sounds
            weights = [(w / top_row) ** exponent for w in weights]
        if self.min_p > 0:
            floor = self.min_p * max(weights)
            weights = [w if w >= floor else 0.0 for w in weights]
        cumulative = list(itertools.accumulate(weights))
        row = bisect.bisect_right(cumulative, uniforms[1] * cumulative[-1])  # never a left-out row
        return min(row, len(weights) - 1) + 1


def gru_weights(gru: nn.GRU) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """The one layer's ``(weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0)`` as tensors (torch registers them by
    name, so a type checker reads each as ``Tensor | Module``)."""
    weights = (gru.weight_ih_l0, gru.weight_hh_l0, gru.bias_ih_l0, gru.bias_hh_l0)
    return cast("tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]", weights)


class MelodyRNN(MelodyModel):
    """The ``melody_rnn`` architecture (the module docstring): a GRU writes one token per step from z."""

    name: ClassVar[str] = "melody_rnn"
    description: ClassVar[str] = (
        "A GRU decodes one token per 16th step (no note, or a pitch), each knowing the previous one"
    )
    Settings: ClassVar[type[MelodyRNNSettings]] = MelodyRNNSettings
    settings: MelodyRNNSettings  # what build_model hands __init__ (MelodyModel: BaseModel | Any; docs/models.md)
    decoder_modules: ClassVar[tuple[str, ...]] = (
        "z_to_state",
        "token_embedding",
        "position",
        "gru",
        "to_token",
        "note_head",
    )
    start_token: int
    timing: TimingBins
    z_to_state: nn.Linear
    token_embedding: nn.Embedding
    position: nn.Embedding
    gru: nn.GRU
    to_token: nn.Linear
    bag: nn.Sequential | None
    note_head: nn.Sequential

    def __init__(self, cfg: ModelConfig, settings: MelodyRNNSettings, pitch_classes: int) -> None:
        super().__init__(cfg, settings, pitch_classes)
        hidden, embedding = settings.rnn_hidden, settings.embedding
        self.start_token = pitch_classes + 1
        self.timing = TimingBins(cfg.timing_bins)
        self.z_to_state = nn.Linear(cfg.latent_dim, hidden)
        self.token_embedding = nn.Embedding(pitch_classes + 2, embedding)  # rest, rows, start
        self.position = nn.Embedding(STEPS_PER_LOOP, POSITION_SIZE)
        self.gru = nn.GRU(embedding + POSITION_SIZE + cfg.latent_dim, hidden, batch_first=True)
        self.to_token = nn.Linear(hidden, pitch_classes + 1)
        self.bag = (
            nn.Sequential(
                nn.Linear(cfg.latent_dim, hidden), nn.LeakyReLU(cfg.leaky_slope), nn.Linear(hidden, pitch_classes)
            )
            if settings.bag_weight > 0
            else None
        )
        self.note_head = nn.Sequential(
            nn.Linear(hidden + embedding, hidden // 2),
            nn.LeakyReLU(cfg.leaky_slope),
            nn.Linear(hidden // 2, 2 + self.timing.n_classes),
        )

    def note_layers(self) -> tuple[nn.Linear, nn.LeakyReLU, nn.Linear]:
        """``note_head``'s layers (first, activation, last) as what they are (``nn.Sequential`` hands out Modules)."""
        first, activation, last = self.note_head
        return cast(nn.Linear, first), cast(nn.LeakyReLU, activation), cast(nn.Linear, last)

    @classmethod
    def check_config(cls, cfg: MvaeConfig) -> None:
        if cfg.model.timing_head != "categorical":
            raise ConfigError(
                f"model.timing_head = {cfg.model.timing_head!r}: melody_rnn has only the categorical timing head; "
                "remove the setting, or use model.name = 'seed'"
            )
        if cfg.loss.mask != "notes":
            raise ConfigError(
                f"loss.mask = {cfg.loss.mask!r}: melody_rnn predicts velocity, duration and timing only for the notes "
                "it writes, so its losses are over notes; remove the setting, or use model.name = 'seed'"
            )

    @torch.no_grad()
    def init_from_data(self, train: LoopSet) -> None:
        """Start the token layer and the timing classes at log frequency biases, so that the first steps do not spend
        themselves on learning those: the pitch rows at the training split's notes as the files hold them
        (untransposed, the pitches that validation and generation are scored against; each note weighted by its
        loop's transposed copies, and every note of a chord), a rest at each step left without a note, the timing
        classes at the notes' offsets. Starting at the transposed top-note tokens the model trains on instead was
        measured slightly worse on held-out data (docs/models.md, "Start")."""
        table = train.table
        notes = table.notes_per_loop()[train.loops].sum()
        rest = max(len(train) * STEPS_PER_LOOP - notes, 0)
        rows = np.zeros(self.pitch_classes)
        for values, weights in train.weighted_notes("row"):
            rows += np.bincount(values, weights, minlength=self.pitch_classes)
        self.to_token.bias.copy_(log_frequencies(torch.from_numpy(np.concatenate([[rest], rows]))))
        self.note_layers()[-1].bias[2:].copy_(
            log_frequencies(self.timing.class_counts(train.weighted_notes("timeshift")))
        )

    def _inputs(self, previous: torch.Tensor, z: torch.Tensor, steps: slice = slice(None)) -> torch.Tensor:
        """GRU inputs ``[B, T, E + POSITION_SIZE + latent]`` for the tokens ``previous [B, T]`` at ``steps``."""
        batch, length = previous.shape
        position = self.position.weight[steps].unsqueeze(0).expand(batch, length, -1)
        return torch.cat([self.token_embedding(previous), position, z.unsqueeze(1).expand(batch, length, -1)], -1)

    def _notes(self, states: torch.Tensor, tokens: torch.Tensor) -> tuple[torch.Tensor, ...]:
        """``(velocity, duration, timing_logits)`` of the notes ``tokens`` written from GRU ``states``."""
        out = self.note_head(torch.cat([states, self.token_embedding(tokens)], -1))
        return torch.sigmoid(out[..., 0]), torch.sigmoid(out[..., 1]), out[..., 2:]

    def _teacher_forced(self, z: torch.Tensor, tokens: torch.Tensor) -> TokenOutput:
        previous = torch.cat([torch.full_like(tokens[:, :1], self.start_token), tokens[:, :-1]], dim=1)
        if self.training and self.settings.token_dropout > 0:
            hidden = torch.rand(previous.shape, device=previous.device) < self.settings.token_dropout
            previous = previous.masked_fill(hidden, self.start_token)
        states, _ = self.gru(self._inputs(previous, z), torch.tanh(self.z_to_state(z)).unsqueeze(0))
        bag_logits = None if self.bag is None else self.bag(z)
        return TokenOutput(self.to_token(states), tokens, *self._notes(states, tokens), bag_logits)

    def decode_for_training(self, z: torch.Tensor, x: torch.Tensor) -> TokenOutput:
        return self._teacher_forced(z, top_tokens(x))

    def loss_terms(self, x: torch.Tensor, output: Forward, mask: str) -> dict[str, torch.Tensor]:
        out: TokenOutput = output.decoded
        batch = x.shape[0]
        tokens = out.tokens
        is_note = (tokens != REST).to(x.dtype)
        at_note = (tokens - 1).clamp(min=0).unsqueeze(1)  # [B, 1, 32]: the row of each step's note
        truth = [x[:, channel].gather(1, at_note).squeeze(1) for channel in (1, 2, 3)]
        token_logits = out.token_logits.reshape(-1, out.token_logits.shape[-1])
        terms = {
            "onset": F.cross_entropy(token_logits, tokens.reshape(-1), reduction="sum") / batch,
            "velocity": (is_note * (out.velocity - truth[0]) ** 2).sum() / batch,
            "duration": (is_note * (out.duration - truth[1]) ** 2).sum() / batch,
            "timeshift": self.timing.nll(out.timing_logits, truth[2].unsqueeze(-1), is_note.unsqueeze(-1)) / batch,
            "kl": kl_per_dimension(output.mu, output.logvar).sum() / batch,
        }
        if out.bag_logits is not None:
            rows_nll = -F.log_softmax(out.bag_logits, dim=-1).gather(1, at_note.squeeze(1))  # [B, 32]
            terms["bag"] = self.settings.bag_weight * (is_note * rows_nll).sum() / batch
        return terms

    def added_terms(self) -> tuple[str, ...]:
        return () if self.bag is None else ("bag",)

    def predict_cells(self, x: torch.Tensor, z: torch.Tensor) -> Decoded:
        """Teacher-forced on ``x``'s tokens: a cell's onset logit is that of its row's token at the step, given the
        true history; velocity, duration and timing are those of the step's true note, the same for every row."""
        out = self._teacher_forced(z, top_tokens(x))
        log_p = F.log_softmax(out.token_logits, dim=-1)[..., 1:].transpose(1, 2)  # [B, P, 32]
        onset_logits = log_p - torch.log1p(-log_p.exp().clamp(max=1 - 1e-6))
        shape = onset_logits.shape
        velocity, duration = (v.unsqueeze(1).expand(shape) for v in (out.velocity, out.duration))
        mean = self.timing.mean(out.timing_logits).unsqueeze(1).expand(shape)
        return Decoded(onset_logits, velocity, duration, mean, out.timing_logits, self.timing)

    def check_options(self, options: DecodeOptions) -> None:
        if options.poly:
            raise _refused(["poly"], "melody_rnn writes one note per step; use a run of model.name = 'seed'")
        if options.threshold_min is not None or options.threshold_max is not None:
            raise _refused(
                ["threshold_min", "threshold_max"],
                "melody_rnn has no per-cell probabilities to threshold; use density and temperature",
            )

    @torch.inference_mode()
    def decode_notes(self, z: torch.Tensor, options: DecodeOptions) -> list[list[Note]]:
        self.check_options(options)
        n = z.shape[0]
        rngs = [pattern_rng(options, i) for i in range(n)]
        uniforms = [rng.random((STEPS_PER_LOOP, 2)).tolist() for rng in rngs]
        choosers = [TokenChooser.with_settings(options, self.settings) for _ in range(n)]
        state = torch.tanh(self.z_to_state(z)).unsqueeze(0)
        token = torch.full((n, 1), self.start_token, dtype=torch.long, device=z.device)
        tokens, states = [], []
        for step in range(STEPS_PER_LOOP):
            out, state = self.gru(self._inputs(token, z, slice(step, step + 1)), state)
            logits = self.to_token(out[:, 0]).cpu().numpy()  # float32: the chooser reads Python floats, exactly
            chosen = [choose(row, u[step]) for choose, row, u in zip(choosers, logits, uniforms, strict=True)]
            token = torch.tensor(chosen, dtype=torch.long).view(n, 1).to(z.device)
            tokens.append(token)
            states.append(out)
        token_grid, state_grid = torch.cat(tokens, 1), torch.cat(states, 1)
        velocity, duration, timing_logits = (v.cpu().numpy() for v in self._notes(state_grid, token_grid))
        grid = token_grid.cpu().numpy()
        loops = []
        for i, rng in enumerate(rngs):
            steps = np.flatnonzero(grid[i] != REST)
            rows = grid[i, steps] - 1
            offsets = offsets_by_step(steps, lambda at, i=i: timing_logits[i, at], options, rng)
            loops.append(make_notes(rows, steps, velocity[i, steps], duration[i, steps], offsets))
        return loops

    def player(self) -> NotePlayer:
        from mvae_core.models.melody_rnn_player import MelodyRNNPlayer

        return MelodyRNNPlayer(self)

    def onnx_graph(self, cfg: MvaeConfig) -> OnnxGraph:
        from mvae_core.models.melody_rnn_onnx import step_graph

        return step_graph(self, cfg)


def _refused(options: list[str], rule: str) -> UnsupportedOption:
    """The refusal of decoding ``options`` (their Python names, ``generate(poly=True)``; the command line names them
    as its options, ``--poly``)."""
    return UnsupportedOption(
        f"{'/'.join(options)}: {rule}", command_line=f"{'/'.join(map(option_flag, options))}: {rule}"
    )
