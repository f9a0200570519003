"""The contract every model of the registry fulfils (:class:`MelodyModel`), and the types it hands to the rest of mvae.

The data side is shared: every model reads loops as dense ``x [batch, 4, pitch_classes, 32]`` (onset, velocity,
duration, timeshift; :func:`~mvae_core.data.batches.densify`) and has the same variational encoder
(:class:`~mvae_core.models.encoder.Encoder`) to a ``latent_dim`` posterior. What differs is the decoder, and so:

* the loss terms (:meth:`MelodyModel.loss_terms`): always the five core terms ``onset`` (which notes),
  ``velocity``, ``duration``, ``timeshift`` and ``kl``, so that plugins, multipliers and ``val_elbo`` work the same,
  and the terms a model's settings add to them (:meth:`MelodyModel.added_terms`: trained and recorded, never part
  of ``val_elbo``);
* how notes are chosen at generation (:meth:`MelodyModel.decode_notes`, and :meth:`MelodyModel.player` for one
  point at a time, live);
* the per-cell predictions that validation and ``mvae evaluate`` score (:meth:`MelodyModel.predict_cells`);
* whether the decoder can be exported to ONNX (:meth:`MelodyModel.onnx_graph`).

A third-party model subclasses :class:`MelodyModel` and is registered under the ``mvae.models`` entry-point group
(docs/models.md).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple, Protocol

import numpy as np
import torch
from pydantic import BaseModel, ConfigDict
from torch import nn

from mvae_core.config import ModelConfig, MvaeConfig
from mvae_core.errors import InputError, OptionError
from mvae_core.generation import LATENT_MAX, DecodeOptions, Note
from mvae_core.models.encoder import Encoder
from mvae_core.timing import TimingBins

if TYPE_CHECKING:
    from mvae_core.data.split import LoopSet
    from mvae_core.models.onnx import OnnxGraph


class NoSettings(BaseModel):
    """The settings of a model without settings of its own: its ``[model.<name>]`` section must be empty."""

    model_config: ClassVar[ConfigDict] = ConfigDict(extra="forbid")


class UnsupportedOption(InputError):
    """A decoding option or export that the chosen model cannot do; the message says what it can do instead. A bad
    argument for this run (``generate(run, poly=True)`` of a ``melody_rnn`` run), so an :class:`InputError` and a
    ``ValueError``, exit code 2; ``mvae_core.UnsupportedOption``."""


@dataclass
class Decoded:
    """Per-cell predictions ``[batch, pitch_classes, 32]``: ``onset_logits``, ``velocity`` and ``duration`` (0..1),
    ``timeshift`` (the point estimate, half-steps). With a categorical timing head also ``timing_logits [batch, 32,
    n_bins + 1]`` (one distribution per step, shared by its pitches) and ``timing`` (its classes); ``None``
    otherwise."""

    onset_logits: torch.Tensor
    velocity: torch.Tensor
    duration: torch.Tensor
    timeshift: torch.Tensor
    timing_logits: torch.Tensor | None = None
    timing: TimingBins | None = None

    def sample_timeshift(self, temperature: float, rng: np.random.Generator) -> torch.Tensor:
        """Offsets ``[batch, pitch_classes, 32]`` drawn from the timing distribution (one draw per step, shared by
        its pitches; :meth:`TimingBins.sample`); the point estimate ``timeshift`` without a timing distribution."""
        if self.timing is None or self.timing_logits is None:
            return self.timeshift
        drawn = self.timing.sample(self.timing_logits.detach().cpu().numpy(), temperature, rng)
        return torch.from_numpy(drawn).to(self.timeshift.device).unsqueeze(1).expand_as(self.timeshift)


class Forward(NamedTuple):
    """What a model's ``forward`` returns (and plugins' ``output``): the decoder's training output for the sampled
    latent point (model-specific: what :meth:`MelodyModel.loss_terms` reads), and the posterior's mean ``mu`` and
    log-variance ``logvar``, each ``[batch, latent_dim]``."""

    decoded: Any
    mu: torch.Tensor
    logvar: torch.Tensor


class NotePlayer(Protocol):
    """One latent point → one pattern's notes, fast (a live host's XY pad)."""

    @property
    def latent_dim(self) -> int:
        """The size of a latent point. Read only, so a plain attribute or a property both fulfil the protocol (a
        mutable ``latent_dim: int`` member refused a player whose ``latent_dim`` is a property, in mypy and pyright)."""
        ...

    def notes(self, z: Any, options: DecodeOptions | None = None, index: int = 0) -> list[Note]:
        """The notes at ``z``, equal to pattern ``index`` of :meth:`MelodyModel.decode_notes` at the same point and
        options (up to float32 rounding)."""
        ...


def player_point(z: Any, latent_dim: int) -> np.ndarray:
    """``z`` as the float32 vector a :class:`NotePlayer` decodes; :class:`~mvae_core.errors.OptionError` (a
    ``ValueError``) unless it is ``latent_dim`` finite numbers (a NaN from a sensor or a patch would decode to a loop
    of nonsense notes)."""
    needs = f"needs {latent_dim} numbers (the model's latent_dim)"
    if z is None or isinstance(z, str | bytes):  # numpy would make nan of None and parse a numeric string
        raise OptionError("z", f"{needs}, got {z!r}")
    try:
        point = np.asarray(z, dtype=np.float64).reshape(-1)
        given = np.asarray(z, dtype=object).reshape(-1)
    except (TypeError, ValueError):  # a ragged list, an object that is no number
        raise OptionError("z", f"{needs}, got {z!r}") from None
    if any(isinstance(v, bool | np.bool_) for v in given):  # numpy reads True as 1, as mvae serve does not
        raise OptionError("z", f"{needs}, got {z!r}")
    if point.shape != (latent_dim,):
        raise OptionError("z", f"{needs}, got {point.size}")
    if not (np.abs(point) <= LATENT_MAX).all():  # NaN compares False
        raise OptionError(
            "z", f"needs finite numbers within ±{LATENT_MAX:.2g}, got {','.join(f'{v:g}' for v in point.tolist())}"
        )
    return point.astype(np.float32)


def sigmoid(x: np.ndarray) -> np.ndarray:
    """The logistic function of a numpy array as ``0.5 · (1 + tanh(x / 2))``: no overflow warning for a large
    ``|x|`` (the live players' velocity, duration and onset heads)."""
    return 0.5 * (1.0 + np.tanh(0.5 * x))


LOG_FREQUENCY_PSEUDOCOUNT = 0.01
"""Added to every class's count by :func:`log_frequencies`, so that no class starts impossible."""


def log_frequencies(counts: torch.Tensor) -> torch.Tensor:
    """``log`` of the frequencies of ``counts`` (one count per class, each plus :data:`LOG_FREQUENCY_PSEUDOCOUNT`), as
    float32: the biases that start a softmax output at the training split's class frequencies
    (:meth:`MelodyModel.init_from_data`)."""
    smoothed = counts + LOG_FREQUENCY_PSEUDOCOUNT
    return (smoothed / smoothed.sum()).log().float()


class MelodyModel(nn.Module, ABC):
    """A MelodyVAE architecture. Subclasses set the class attributes, build their decoder in ``__init__`` (after
    ``super().__init__``, which builds ``self.encoder``) and implement the abstract methods.

    Class attributes: ``name`` (for the model's own code: mvae knows a model by its registry name, the entry-point
    name or :data:`~mvae_core.models.BUILTIN_MODELS` key, which ``[model] name`` and every message use; the
    built-ins' are equal), ``description`` (one line for ``mvae models``),
    ``Settings`` (a pydantic model of its ``[model.<name>]`` section; :class:`NoSettings` by default) and
    ``decoder_modules`` (the names of the attributes that make up the decoder, which ``mvae bend`` perturbs).
    """

    name: ClassVar[str]
    description: ClassVar[str]
    Settings: ClassVar[type[BaseModel] | Any] = NoSettings
    decoder_modules: ClassVar[tuple[str, ...]]
    cfg: ModelConfig
    settings: BaseModel | Any
    """The validated ``Settings`` of the model's section. ``| Any`` (and ``Settings``'s) lets a subclass declare its
    own (``settings: Settings``) without pyright refusing the narrower type of a mutable attribute."""
    pitch_classes: int
    encoder: Encoder

    def __init__(self, cfg: ModelConfig, settings: BaseModel, pitch_classes: int) -> None:
        super().__init__()
        self.cfg, self.settings, self.pitch_classes = cfg, settings, pitch_classes
        self.encoder = Encoder(cfg, pitch_classes)

    @classmethod
    def check_config(cls, cfg: MvaeConfig) -> None:
        """Raise :class:`~mvae_core.errors.ConfigError` naming a setting of ``cfg`` this model cannot train with
        (checked before any data is read); everything is accepted by default."""

    @property
    def latent_dim(self) -> int:
        """The size of a latent point (``model.latent_dim``)."""
        return self.cfg.latent_dim

    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """``x [B, 4, P, 32]`` → ``(mu, logvar)``, each ``[B, latent_dim]``."""
        return self.encoder(x)

    def forward(self, x: torch.Tensor, generator: torch.Generator | None = None) -> Forward:
        """Encode, sample ``z = mu + sigma · eps`` (``eps`` from ``generator`` if given), decode for training."""
        mu, logvar = self.encode(x)
        eps = torch.randn(mu.shape, generator=generator, device=mu.device, dtype=mu.dtype)
        z = mu + torch.exp(0.5 * logvar) * eps
        return Forward(self.decode_for_training(z, x), mu, logvar)

    def init_from_data(self, train: LoopSet) -> None:
        """Start output layers at statistics of the training split (e.g. the onset rate); nothing by default."""

    @abstractmethod
    def decode_for_training(self, z: torch.Tensor, x: torch.Tensor) -> Any:
        """The decoder's output for latent points ``z [B, latent_dim]`` of the loops ``x`` (an autoregressive
        decoder reads the true history from ``x``: teacher forcing); what :meth:`loss_terms` reads."""

    @abstractmethod
    def loss_terms(self, x: torch.Tensor, output: Forward, mask: str) -> dict[str, torch.Tensor]:
        """The core terms ``onset``, ``velocity``, ``duration``, ``timeshift`` and ``kl`` of the batch ``x``, and
        those of :meth:`added_terms`, each a scalar: summed over steps or cells (and latent dimensions), averaged
        over the batch. ``mask`` is ``loss.mask``."""

    def added_terms(self) -> tuple[str, ...]:
        """The loss terms this model, as its settings build it, adds to the core's (none by default): an auxiliary
        objective such as ``melody_rnn``'s ``bag``. Each is trained at its value as :meth:`loss_terms` gives it
        (weighted there, by the model's own setting), recorded as ``train.<term>`` and ``val.<term>`` like a
        plugin's term, and left out of ``val_elbo``, which stays the core's bound. A name follows a plugin's term's
        rule (no dot or surrounding spaces, not ``total``), and is no core term's nor a label of the epoch line
        (``loss``, ``elbo``, …): :func:`~mvae_core.models.check_added_terms`, as the model is built."""
        return ()

    @abstractmethod
    def predict_cells(self, x: torch.Tensor, z: torch.Tensor) -> Decoded:
        """Per-cell predictions for the loops ``x`` decoded from ``z`` (eval mode): what validation and ``mvae
        evaluate`` score at the true notes (velocity and timing errors, the reconstructed timing spread)."""

    @abstractmethod
    def decode_notes(self, z: torch.Tensor, options: DecodeOptions) -> list[list[Note]]:
        """The notes of one loop per latent point ``z [N, latent_dim]``, on the model's device (a GPU in CUDA
        training's validation: ``.cpu()`` before numpy). Callers put the model in eval mode and call it without gradients
        (:func:`~mvae_core.generation.decode_loops`); decorate it with ``@torch.inference_mode()``, as the built-in
        models do, for a caller of the model itself (a tensor that requires grad refuses ``.numpy()``). Each note's fields as :data:`~mvae_core.models.NOTE_RULE` says
        (:func:`~mvae_core.generation.make_notes` builds them from arrays). Every random choice of pattern ``i`` comes
        from :func:`~mvae_core.generation.pattern_rng` ``(options, i)``, so a
        pattern depends on its point, ``options.seed`` and ``i`` only. Raises :class:`UnsupportedOption` for
        options the model cannot honour: call :meth:`check_options` first, for a caller of the model itself
        (``generate``, ``interpolate``, ``mvae map`` and ``mvae evaluate`` call both; validation decodes with options
        every model takes)."""

    def check_options(self, options: DecodeOptions) -> None:
        """Raise :class:`UnsupportedOption` for decoding options this model cannot honour; all are fine by
        default. ``temperature = 0`` must be taken (validation and ``mvae evaluate`` decode with it;
        :func:`~mvae_core.models.check_reconstruction_options` refuses the model otherwise, as it is built).
        ``generate``, ``interpolate``, ``mvae map`` and ``mvae evaluate`` (its generated loops) call it before anything
        is decoded; :meth:`decode_notes` and the player's ``notes`` call it too, for the callers that do not (a live
        host: ``mvae serve`` answers the player's refusal as a refused parameter, HTTP 422)."""

    @abstractmethod
    def player(self) -> NotePlayer:
        """The decoder prepared for one point at a time (weights copied; later changes to the model are not
        followed): ``run.player()`` and ``mvae serve``. Its notes follow :meth:`decode_notes`' rules
        (:data:`~mvae_core.models.NOTE_RULE`: ``mvae serve`` sends them as JSON) and it refuses the options
        :meth:`check_options` refuses. A model without a live player raises :class:`UnsupportedOption` naming
        itself, which ``mvae serve`` prints (exit 2)."""

    def onnx_graph(self, cfg: MvaeConfig) -> OnnxGraph:
        """The graph ``mvae export --onnx`` writes (in eval mode) and its description for the sidecar: inputs,
        outputs and what a host needs to turn them into notes (:class:`~mvae_core.models.onnx.OnnxGraph`). Raises
        :class:`UnsupportedOption` when the model has no export."""
        raise UnsupportedOption(f"model {self.cfg.name!r} has no ONNX export")
