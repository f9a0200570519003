"""The configuration tree: one pydantic model per section, every default in one place.

Resolution order (later wins): defaults < TOML file (``--config``) < ``--set dotted.key=value`` < dedicated
CLI flags. Unknown keys are rejected (``extra="forbid"``), so a typo is an error naming the field, never a
silently ignored setting; no setting takes a number that is not finite (nan, inf). Every section, the core's and
those validated by their plugin's ``Config`` (:mod:`mvae_core.plugins`) or their model's ``Settings``
(:mod:`mvae_core.models`), goes through :func:`validate_section`.
"""

from __future__ import annotations

import copy
import datetime
import math
import numbers
import os
import tomllib
import types
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal, TypeVar, Union, get_args, get_origin

from pydantic import (
    AliasChoices,
    AliasPath,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_serializer,
    model_validator,
)
from pydantic.fields import FieldInfo

from mvae_core.data.melody import parse_rule
from mvae_core.errors import ConfigError, OptionError, shortened
from mvae_core.files import NotRegular, TooLarge, read_bounded
from mvae_core.suggest import closest, did_you_mean
from mvae_core.wording import noun_for

LOSS_TERMS = ("onset", "velocity", "duration", "timeshift", "kl")
"""Every loss term the core computes. Plugins may add terms of their own (``mvae_loss``); see docs/hooks.md."""

DEFAULT_COEFFICIENTS = {"onset": 1.0, "velocity": 2.5, "duration": 1.0, "timeshift": 2.0, "kl": 1.0}
"""The base coefficient of each core loss term; ``[loss] coefficients`` overrides some or all of them."""


MAX_SEED = 2**63 - 1
"""The largest seed of a torch generator that mvae takes (``train.seed``, ``mvae evaluate --seed``, ``mvae bend
--seed``): torch refuses seeds past 2**64 - 1 with a bare ValueError, and a run seeds its validation with the seed
plus 1 and 2."""


def checked_seed(seed: int) -> int:
    """``seed`` (a whole number already) when a generator may take it: 0 to :data:`MAX_SEED`, the range of
    ``train.seed`` (torch's generators refuse a larger one with a bare ValueError); else the one
    :class:`~mvae_core.errors.OptionError` for either end, naming ``seed`` (``--seed`` on the command line) and the
    range. The check of ``mvae evaluate --seed`` and ``mvae bend --seed``."""
    if not 0 <= seed <= MAX_SEED:
        raise OptionError("seed", f"must be between 0 and {MAX_SEED} (as train.seed), got {seed}")
    return seed


class Section(BaseModel):
    """Base for config sections: unknown keys are errors, assignments are validated. ``internal`` fields hold what
    the config file writes another way (``[model.<name>]`` tables) and are not offered as settings."""

    model_config: ClassVar[ConfigDict] = ConfigDict(extra="forbid", validate_assignment=True)
    internal: ClassVar[tuple[str, ...]] = ()


AUTO_PITCH_LOW = "auto"
"""``data.pitch_low = "auto"``: the window of pitch rows that folds (or drops) the fewest notes of the data, chosen
by :func:`~mvae_core.data.load.load_dataset` as it reads them; a run records the number it chose (docs/data.md,
Pitch rows)."""
PITCH_LOW_FORMS = (
    'a whole number 0-127 (the MIDI pitch of row 0) or "auto" (the rows that fold the fewest notes of the data, '
    "chosen as a run is set up; docs/data.md, Pitch rows)"
)
"""What ``data.pitch_low`` takes, as its refusal says it."""


class DataConfig(Section):
    pitch_low: int | Literal["auto"] = Field(
        default=AUTO_PITCH_LOW,
        description='MIDI pitch of row 0, or "auto": the rows that fold the fewest notes of the data, chosen as a '
        "run is set up (and recorded in its config.toml).",
    )
    pitch_classes: int = Field(default=24, ge=1, le=128, description="Number of pitch rows (pitch_low .. +N-1).")
    out_of_range: Literal["fold", "drop"] = Field(
        default="fold", description="Notes outside the rows: move by octaves into range, or drop them."
    )
    melody: list[str] = Field(
        default_factory=lambda: ["auto"],
        description="Which notes of a file are its melody: auto, all, top-line, or selectors track:N, name:TEXT, "
        "channel:N, program:N (with top-line: their top line). See docs/data.md.",
    )
    meter: Literal["header", "4/4"] = Field(
        default="header", description="Bars from the files' time signatures, or every file as 4/4 from its first tick."
    )
    min_onsets: int = Field(default=6, ge=1, le=32 * 128, description="Loops with fewer notes are dropped.")
    max_duration_steps: float = Field(
        default=16.0,
        gt=0,
        description="Duration normalisation: duration 1.0 = this many 16th steps (longer is clipped).",
    )
    train_fraction: float = Field(default=5 / 6, gt=0, lt=1, description="Share of source files used for training.")
    transpositions: list[int] = Field(
        default=[-12, -7, -5, 5, 7, 12], description="Semitone shifts added to the train split (only in range)."
    )
    min_bpm: float = Field(
        default=10.0, gt=0, description="Files whose average tempo is below this are skipped as absurd."
    )
    max_bpm: float = Field(
        default=1000.0, gt=0, description="Files whose average tempo is above this are skipped as absurd."
    )
    cache_dir: Path | None = Field(
        default=None,
        description="Parsed-data cache; default $MVAE_CACHE_DIR, else $XDG_CACHE_HOME/mvae or ~/.cache/mvae. 'none' "
        "disables it.",
    )

    @field_validator("pitch_low", mode="before")
    @classmethod
    def _pitch_low(cls, value: Any) -> Any:
        """A whole number 0..127 (as an int field reads one: ``55``, ``55.0``, ``"55"``) or ``"auto"``; anything
        else (another word, a fraction, a boolean, a pitch out of MIDI's range) is refused with one message naming
        both forms (not one per member of the union)."""
        if value == AUTO_PITCH_LOW:
            return value
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 127:
            raise ValueError(f"must be {PITCH_LOW_FORMS}")
        return value

    @field_validator("melody", mode="before")
    @classmethod
    def _melody(cls, value: Any) -> list[str]:
        """``"name:vocal, top-line"`` or a list: validated items (unknown rules and bad selectors are errors; another
        type, ``3``, is one too)."""
        if not isinstance(value, str | list):
            raise ValueError('give the rule as a string ("top-line", "track:2, top-line") or a list of strings')
        return parse_rule(value)

    @field_validator("cache_dir", mode="before")
    @classmethod
    def _not_blank(cls, value: Any) -> Any:
        """``""`` (or spaces) is no folder: as a path it was the current directory, which then filled with cache files;
        surrounding spaces are stripped, as from ``$MVAE_CACHE_DIR``."""
        if isinstance(value, str) and not value.strip():
            raise ValueError("an empty folder name; give a folder, or 'none' to disable the cache (leave the key out "
                             "for the default)")  # fmt: skip
        return value.strip() if isinstance(value, str) else value  # " none " is none, not a folder named with spaces

    @field_validator("cache_dir")
    @classmethod
    def _home(cls, value: Path | None) -> Path | None:
        """``~/cache`` is the folder in the home directory, as in a shell (not a folder named ``~`` here)."""
        return None if value is None else value.expanduser()

    @model_validator(mode="after")
    def _check(self) -> DataConfig:
        if self.pitch_low != AUTO_PITCH_LOW and self.pitch_low + self.pitch_classes > 128:
            raise ValueError(f"pitch_low + pitch_classes must be <= 128, got {self.pitch_low + self.pitch_classes}")
        if self.out_of_range == "fold" and self.pitch_classes < 12:
            raise ValueError("out_of_range = 'fold' needs pitch_classes >= 12 (an octave); use 'drop'")
        if self.min_bpm >= self.max_bpm:
            raise ValueError("min_bpm must be below max_bpm")
        return self

    def with_pitch_low(self, pitch_low: int) -> DataConfig:
        """These settings with row 0 at MIDI ``pitch_low`` (the window ``"auto"`` chose, or a provisional one)."""
        return self.model_copy(update={"pitch_low": pitch_low})

    def chosen_pitch_low(self) -> int:
        """The MIDI pitch of row 0, a number: ``"auto"`` (the default) is chosen from the data by
        :func:`~mvae_core.data.load.load_dataset` before any loop is placed in rows (a ``ValueError`` otherwise,
        a bug of the caller, naming the fix)."""
        if self.pitch_low == AUTO_PITCH_LOW:
            raise ValueError(
                'data.pitch_low = "auto" (the default) is chosen from the data as load_dataset reads it: read the data '
                "with load_dataset and use its report's read_with(cfg), or give data.pitch_low a number"
            )
        return self.pitch_low

    def parse_key(self) -> dict[str, Any]:
        """The settings that change parsed loops (the cache key); split and augmentation are not among them. Only
        for a number of ``pitch_low`` (:meth:`chosen_pitch_low`)."""
        self.chosen_pitch_low()
        return self.model_dump(
            mode="json",
            include={
                "pitch_low",
                "pitch_classes",
                "out_of_range",
                "max_duration_steps",
                "min_bpm",
                "max_bpm",
                "melody",
                "meter",
            },
        )


SECTIONS_NOT_A_SETTING = (
    "[model] has no setting 'sections'; each model's own settings are its table [model.<name>] (e.g. "
    "[model.melody_rnn] in a config file, --set model.melody_rnn.KEY=VALUE)"
)
"""The error for ``model.sections``: ``ModelConfig`` keeps the ``[model.<name>]`` tables under that name, but it is
no key of the config."""


class ModelConfig(Section):
    """``name`` picks the architecture (the model registry, ``mvae models``); the other keys are shared by the
    built-in models. A model's own settings are its section ``[model.<name>]`` (``sections`` here), validated by
    that model (:func:`mvae_core.models.resolve_model`)."""

    internal: ClassVar[tuple[str, ...]] = ("sections",)
    name: str = Field(default="melody_rnn", description="The architecture, from the model registry (mvae models).")
    hidden: int = Field(default=512, ge=4, le=8192, description="Width I of hidden layers (decoder trunk is 2*I).")
    latent_dim: int = Field(default=2, ge=1, le=256, description="Latent dimensions (2 for the XY pad).")
    dropout: float = Field(
        default=0.2, ge=0, lt=1, description="Dropout after every hidden block (training mode only)."
    )
    leaky_slope: float = Field(default=0.3, ge=0, lt=1, description="LeakyReLU negative slope (tfjs default 0.3).")
    timing_head: Literal["categorical", "mse"] = Field(
        default="categorical",
        description="categorical: a distribution of offsets per step, sampled at generation; mse: one offset per "
        "cell, squared error (the seed; collapses towards a constant offset on human timing).",
    )
    timing_bins: int = Field(
        default=32, ge=2, le=512, description="Categorical head: uniform offset bins over [-1, 1)."
    )
    sections: dict[str, dict[str, Any]] = Field(
        default_factory=dict, description="[model.<name>] sections: each model's own settings, by model name."
    )

    @model_validator(mode="before")
    @classmethod
    def _gather_sections(cls, value: Any) -> Any:
        """``[model.<name>]`` tables (keys that are not settings and hold a table) become ``sections``; any other
        unknown key stays, and is reported as an unknown setting. ``sections`` itself is not a key of the config
        (it was an undocumented second spelling of the tables): given, it is an error saying how to write them."""
        if not isinstance(value, dict):
            return value
        if "sections" in value:
            raise ValueError(SECTIONS_NOT_A_SETTING)
        sections = {k: v for k, v in value.items() if k not in cls.model_fields and isinstance(v, dict)}
        if not sections:
            return value
        return {k: v for k, v in value.items() if k not in sections} | {"sections": sections}

    @model_serializer(mode="wrap")
    def _sections_as_tables(self, handler: Any) -> dict[str, Any]:
        """Written back as ``[model.<name>]`` tables, as they were read."""
        data = handler(self)
        return {k: v for k, v in data.items() if k != "sections"} | data.get("sections", {})


class LossConfig(Section):
    coefficients: dict[str, Annotated[float, Field(ge=0)]] = Field(
        default_factory=lambda: dict(DEFAULT_COEFFICIENTS),
        description="Base coefficient per loss term; plugins multiply onto these.",
    )
    mask: Literal["notes", "all"] = Field(
        default="notes",
        description="velocity/duration/timeshift loss over true note cells only, or all cells (seed).",
    )

    @field_validator("coefficients")
    @classmethod
    def _known_terms(cls, value: dict[str, float]) -> dict[str, float]:
        """The given coefficients over the defaults; an unknown term names the closest one (each coefficient is
        checked ``>= 0`` by its type, named ``loss.coefficients.kl``)."""
        if unknown := sorted(set(value) - set(LOSS_TERMS)):
            raise ValueError(
                f"unknown {noun_for(len(unknown), 'loss term')} {unknown}{did_you_mean(unknown[0], LOSS_TERMS)} "
                f"Terms: {', '.join(LOSS_TERMS)}"
            )
        return {**DEFAULT_COEFFICIENTS, **value}


MAX_EPOCHS = 1_000_000
"""The most epochs a run may have (``train.epochs``; a checkpoint's epoch is checked against it)."""


class TrainConfig(Section):
    epochs: int = Field(default=100, ge=1, le=MAX_EPOCHS, description="Maximum number of epochs.")
    batch_size: int = Field(default=64, ge=2, le=65536, description="Loops per optimiser step (>= 2 for BatchNorm).")
    lr: float = Field(default=1e-3, gt=0, description="Adam learning rate.")
    clip_grad_norm: float | None = Field(default=None, gt=0, description="Clip the global gradient norm; null = off.")
    seed: int = Field(
        default=0, ge=0, le=MAX_SEED, description="Seeds the split, shuffling, initialisation, dropout and sampling."
    )
    device: Literal["auto", "cpu", "cuda"] = Field(default="auto", description="auto = cuda when available.")
    precision: Literal["fp32", "bf16"] = Field(
        default="fp32",
        description="bf16 = the training forward pass under bfloat16 autocast (weights, losses, Adam: fp32).",
    )
    deterministic: bool = Field(
        default=True,
        description="On CUDA, train with deterministic kernels so runs and resumes repeat bit for bit (slower); "
        "CPU training is deterministic either way.",
    )
    table_on_device: Literal["auto", "on", "off"] = Field(
        default="auto",
        description="Keep the training notes on the device and densify batches there; auto = on CUDA only.",
    )
    keep_freed_memory: bool = Field(
        default=True,
        description="Keep the memory a training step frees for the next step (glibc malloc's trim and mmap "
        "thresholds raised for the whole process) instead of returning it to the OS and page-faulting it back.",
    )
    step_records: int = Field(
        default=0,
        ge=0,
        description="Write the loss terms and total of every Nth training step (global step divisible by N) to "
        "steps.jsonl; 0 = off. A resume may change it (what is recorded, not what is trained).",
    )


class PluginsConfig(BaseModel):
    """``enabled`` lists plugin names; every other key is one plugin's own section."""

    model_config: ClassVar[ConfigDict] = ConfigDict(extra="allow")
    enabled: list[str] = Field(
        default_factory=lambda: ["all"], description="Plugin names, 'all' or 'none' ('none' alone; [] = none)."
    )

    @field_validator("enabled", mode="before")
    @classmethod
    def _names(cls, value: Any) -> Any:
        """``"kl_anneal, ts_ramp"`` or ``["kl_anneal", " ts_ramp"]``: names without surrounding spaces. An empty name
        (``""``, ``"a,,b"``) and ``none`` next to other names are errors, never read as "no plugins"; so is a name
        given twice (train ran the plugin once, where ablate refused the list)."""
        if isinstance(value, str):
            value = value.split(",")
        if not isinstance(value, list):
            return value
        names = [v.strip() if isinstance(v, str) else v for v in value]
        if "" in names:
            raise ValueError("an empty plugin name; give plugin names separated by commas, 'all' or 'none'")
        if "none" in names and any(name != "none" for name in names):
            raise ValueError("'none' cannot be combined with other names; give 'none' alone, or the plugins to enable")
        if twice := next((name for i, name in enumerate(names) if name in names[:i]), None):
            raise ValueError(
                f"{twice!r} is named twice (in Python, a name and a plugin object of that name count twice); name "
                "each plugin once"
            )
        return names

    def sections(self) -> dict[str, dict[str, Any]]:
        return dict(self.model_extra or {})


class MvaeConfig(Section):
    data: DataConfig = Field(default_factory=DataConfig)
    model: ModelConfig = Field(default_factory=ModelConfig)
    loss: LossConfig = Field(default_factory=LossConfig)
    train: TrainConfig = Field(default_factory=TrainConfig)
    plugins: PluginsConfig = Field(default_factory=PluginsConfig)


def parse_set_value(text: str) -> Any:
    """Read the right-hand side of ``--set key=value`` as a TOML value, else as a plain string; a
    :class:`ConfigError` for arrays or tables nested deeper than Python parses."""
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text
    except RecursionError:
        raise ConfigError(f"the value {shortened(text)} is nested deeper than mvae reads") from None


def split_assignment(text: str, form: str = "dotted.key=value") -> tuple[str, str]:
    """``key=value`` (an item of ``overrides``; ``--set`` on the command line) as its key and value, split at the first
    ``=``, each stripped; a :class:`ConfigError` when there is no ``=`` or no key, saying the ``form`` expected
    (``param=value`` for a schedule's parameter) and naming ``overrides``, or ``--set`` on the command line."""
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        rule = f"expects {form}, got {text!r}"
        raise ConfigError(f"overrides {rule}", command_line=f"--set {rule}")
    return key.strip(), value.strip()


def apply_override(tree: dict[str, Any], assignment: str) -> None:
    """Apply one ``dotted.key=value`` assignment (an item of ``overrides``, ``--set`` on the command line) to a nested
    dict in place (:func:`split_assignment`)."""
    key, value = split_assignment(assignment)
    parts = key.split(".")
    if "" in parts:  # "train..epochs", ".epochs", "train.": no key is named ""
        raise ConfigError(f"{key}: a dotted key with an empty name before, between or after a dot (e.g. train.epochs)")
    node = tree
    for i, part in enumerate(parts[:-1]):
        child = node.setdefault(part, {})
        if not isinstance(child, dict):
            path = ".".join(parts[: i + 1])
            problem = f"is a value, so {key} cannot be set inside it"
            if section_fields(MvaeConfig, tuple(parts[: i + 1])):  # a core section given as a value: "train = 3"
                problem = f"must be a table to hold {key} ({_as_table(path)})"
            raise ConfigError(field_problem(path, child, problem))
        node = child
    node[parts[-1]] = parse_set_value(value)


S = TypeVar("S", bound=BaseModel)


def validate_section(model: type[S], data: Any, prefix: str = "") -> S:
    """``data`` validated by ``model`` (the whole config, or one section: ``prefix`` is its dotted path, e.g.
    ``"plugins.kl_anneal."``); every problem is a :class:`ConfigError` naming the field (:func:`format_validation_error`).

    A number that is not finite (nan, inf, written as a number or as a string a float field accepts) is refused in
    every field, the sections' own models included: no setting takes one, and training would only fail later. So is
    a boolean where a number belongs (pydantic reads ``true`` as 1: ``train.lr = true`` trained at a rate of 1).
    """
    boolean = _boolean_for_number(model, data, prefix.removesuffix("."))
    if boolean is not None:
        raise ConfigError(field_problem(*boolean, NOT_A_BOOLEAN))
    try:
        validated = model.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(format_validation_error(exc, prefix, model)) from None
    bad = _non_finite(validated.model_dump(), prefix.removesuffix("."))
    if bad is not None:
        raise ConfigError(f"{bad[0]} = {bad[1]!r}: {NON_FINITE}")
    return validated


NON_FINITE = "must be a finite number (nan and inf are not settings)"
NOT_A_BOOLEAN = "must be a number, not true or false"


def _boolean_for_number(model: type[BaseModel], data: Any, path: str) -> tuple[str, bool] | None:
    """The first ``(dotted key, value)`` of the input ``data`` for ``model`` that is a boolean given to a number field
    (``int``, ``float``, optional or in a list), nested sections included; None if there is none."""
    if not isinstance(data, dict):
        return None
    for name, field in model.model_fields.items():
        for key in [name, *alias_keys(field)]:
            if key in data:
                bad = _boolean_in(field.annotation, data[key], f"{path}.{key}" if path else key)
                if bad is not None:
                    return bad
    return None


def _boolean_in(annotation: Any, value: Any, path: str) -> tuple[str, bool] | None:
    """:func:`_boolean_for_number` for one input ``value`` of a field annotated ``annotation``."""
    annotation = _optional(annotation)
    if isinstance(value, bool):
        return (path, value) if annotation in (int, float) else None
    if (section := _model(annotation)) is not None:
        return _boolean_for_number(section, value, path)
    if get_origin(annotation) is list and isinstance(value, list):
        (item,) = get_args(annotation) or (Any,)
        return next((bad for i, v in enumerate(value) if (bad := _boolean_in(item, v, f"{path}[{i}]"))), None)
    return None


def is_non_finite(value: Any) -> bool:
    """``value`` is nan or an infinity, as a float or as the string a float field reads so ("nan", "-inf", …)."""
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            return False
    return isinstance(value, float) and not math.isfinite(value)


def _non_finite(tree: Any, path: str) -> tuple[str, float] | None:
    """The first ``(dotted path, value)`` in a dumped config tree whose float is nan or infinite; None if none is."""
    if isinstance(tree, float):
        return None if math.isfinite(tree) else (path, tree)
    if isinstance(tree, dict):
        items = [(f"{path}.{key}" if path else str(key), value) for key, value in tree.items()]
    elif isinstance(tree, list | tuple):
        items = [(f"{path}[{i}]", value) for i, value in enumerate(tree)]
    else:
        return None
    return next((bad for key, value in items if (bad := _non_finite(value, key)) is not None), None)


def format_validation_error(error: ValidationError, prefix: str = "", model: type[BaseModel] | None = None) -> str:
    """One line naming every bad field, e.g. ``train.batch_size = -3: Input should be >= 2``.

    With ``model`` (the validated model class), an unknown key says so and names the closest valid key of its
    section (``train.epoch = 3: unknown setting; did you mean train.epochs?``). pydantic's ``Value error,``
    prefix of a validator's message is dropped.
    """
    parts = []
    for item in error.errors():
        field = (prefix + _dotted(item["loc"])).removesuffix(".") or "config"  # a section's own validator: the section
        value = item.get("input")
        message = item["msg"].removeprefix("Value error, ")
        if item["type"] == "extra_forbidden" and model is not None:
            message = _unknown_key(model, item["loc"], prefix, isinstance(value, dict))
        elif item["type"] in ("string_type", "path_type") and isinstance(value, TOML_SCALARS):  # --set file=1
            expected = PATH_EXPECTED if item["type"] == "path_type" else message  # pydantic's names a Python class
            message = f"{expected}; {_quoted_fix(field, item['loc'], value)}"
        elif is_non_finite(value):  # nan fails every bound: say what is wrong with it instead
            message = NON_FINITE
        elif item["type"] == "missing" and isinstance(item["loc"][-1], int):  # a fixed-length tuple, too short
            field = prefix + _dotted(item["loc"][:-1])
            message = f"item [{item['loc'][-1]}] is missing; give all the items (--set '{field}=[…]')"
        elif item["type"] == "missing" and field.split(".")[0] in MvaeConfig.model_fields:  # a config key
            message = _how_to_set(field)
        elif item["type"] == "model_type":  # a value where a section of settings belongs ("train = 3")
            message = f"must be a table of settings ({_as_table(field)})"
        elif _is_unset_word(value) and item["type"] not in VALIDATORS_OWN and _optional_at(model, item["loc"]):
            message = f"{message}; {HOW_TO_UNSET}"
        parts.append(field_problem(field, value, message))
    return "; ".join(parts)


PATH_EXPECTED = "Input should be a path"
TOML_SCALARS = (bool, int, float, datetime.date, datetime.time)
"""The values other than strings that TOML reads from a bare word of ``--set`` (``1``, ``true``, ``2026-12-06``):
given to a string or path setting, they are refused with the quoted form that gives the string
(:func:`_quoted_fix`)."""

HOW_TO_UNSET = (
    "an optional setting is unset by leaving it out, as TOML has no null: remove the key from the config file, and "
    "give it no --set (Python: no override)"
)
UNSET_WORDS = ("none", "null", "nil", "")
"""What a user writes for "no value" (``--set train.clip_grad_norm=none``): given to an optional setting that
refuses it, the error says how to unset the setting (:data:`HOW_TO_UNSET`); where such a word is a valid value
(``data.cache_dir = "none"`` disables the cache, ``plugins.enabled = "none"``) it stays that value."""


def _quoted_fix(field: str, loc: tuple[str | int, ...], value: Any) -> str:
    """How to give the bare word TOML read as ``value`` (a number, a boolean, a date) as a string instead: in quotes,
    with the ``--set`` that does it for a config key (``give it as a string, in quotes: --set
    'plugins.x.file="1"' (in a config file: file = "1")``)."""
    text = value.isoformat() if isinstance(value, datetime.date | datetime.time) else toml_literal(value)
    quoted = toml_literal(text)
    if isinstance(loc[-1], int) or field.split(".")[0] not in MvaeConfig.model_fields:  # a list item, or no key
        return f"give it as a string, in quotes: {quoted}"
    key = field.rpartition(".")[2]
    return f"give it as a string, in quotes: --set '{field}={quoted}' (in a config file: {key} = {quoted})"


VALIDATORS_OWN = ("value_error", "assertion_error")
"""pydantic's error types of a validator's own message, which says itself what the setting takes."""


def _optional_at(model: type[BaseModel] | None, loc: tuple[str | int, ...]) -> bool:
    """The setting of ``model`` at ``loc`` (pydantic's location) is ``X | None`` (optional, unset by default)."""
    annotation = None if model is None else _annotation_at(model, loc)
    return get_origin(annotation) in (Union, types.UnionType) and type(None) in get_args(annotation)


def _is_unset_word(value: Any) -> bool:
    """``value`` is one of the :data:`UNSET_WORDS` (any case, surrounding spaces ignored)."""
    return isinstance(value, str) and value.strip().lower() in UNSET_WORDS


def field_problem(field: str, value: Any, message: str) -> str:
    """``train.batch_size = -3: Input should be >= 2``: the dotted ``field``, its ``value`` (left out when it is a
    table; cut after 80 characters, so a 5 MB string is not a 5 MB message) and what is wrong with it; every config
    error names a field this way."""
    shown = "" if isinstance(value, dict) else f" = {shortened(repr(value), 80)}"
    return f"{field}{shown}: {message}"


def _how_to_set(field: str) -> str:
    """What a required config key missing from the config says: how to give it, on the command line or in a file."""
    section, _, key = field.rpartition(".")
    return (
        f"required, and not set; give it with --set {field}=VALUE (Python: overrides), or as {key} = VALUE in the "
        f"config file's [{section}] table"
    )


def _as_table(section: str) -> str:
    """How the section ``section`` (dotted) is written as a table: in a config file, and on the command line."""
    return f"[{section}] in a config file, --set {section}.KEY=VALUE"


def _dotted(loc: tuple[str | int, ...]) -> str:
    """pydantic's location as the key a user writes: ``data.transpositions[1]`` (as for a number that is not
    finite)."""
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc).removeprefix(".")


def _unknown_key(model: type[BaseModel], location: tuple[str | int, ...], prefix: str, is_section: bool) -> str:
    """``unknown setting; did you mean train.epochs?``: the closest key of its section, else (in the whole config)
    another section's key of that name (``train.hidden`` → ``model.hidden``, ``epochs`` → ``train.epochs``), else, for
    a top-level key named after a plugin or model, its table (``[kl_anneal]`` → ``plugins.kl_anneal``), else the
    section's valid keys. ``location`` is pydantic's (list indexes as numbers)."""
    loc = tuple(str(part) for part in location)
    if model is MvaeConfig and loc[:-1] == ("model",) and not is_section and loc[-1] in _model_names():
        return f"the settings of the model {loc[-1]!r} are a table ({_as_table('.'.join(loc))})"  # "model.seed = 3"
    elsewhere = _in_another_section(loc[-1], loc[:-1]) if model is MvaeConfig and not is_section else None
    if model is MvaeConfig and len(loc) == 1 and not prefix and not elsewhere:  # [kl_anneal]: [plugins.kl_anneal]
        for kind, section, names in (("plugin", "plugins", _plugin_names), ("model", "model", _model_names)):
            if loc[0] in names():
                table = f"{section}.{loc[0]}"
                kind_of_key = "section" if is_section else "setting"
                return f"unknown {kind_of_key}; did you mean {table}? (the {kind}'s settings: {_as_table(table)})"
    where = prefix + (f"{_dotted(location[:-1])}." if loc[:-1] else "")
    return unknown_key(loc[-1], section_fields(model, loc[:-1]), where, is_section, elsewhere)


def unknown_key(name: str, known: list[str], where: str, is_section: bool, elsewhere: str | None = None) -> str:
    """What is wrong with the key ``name`` of the section whose keys are ``known`` (``where``: its dotted path with a
    trailing dot, ``"train."``): ``unknown setting; did you mean train.epochs?`` with the closest known key, else
    ``elsewhere`` (the dotted key it may have meant in another section), else the section's valid keys. A ``name``
    whose value is a table is an unknown ``section``."""
    kind = "section" if is_section else "setting"
    close = closest(name, known)
    if close:
        return f"unknown {kind}; did you mean {where}{close}?"
    if elsewhere:
        return f"unknown {kind}; did you mean {elsewhere}?"
    if not known:  # e.g. model.seed: the seed model has no settings of its own
        return f"unknown {kind}; {where.rstrip('.') or 'this table'} has no {kind}s"
    return f"unknown {kind}; valid here: {', '.join(known)}"


def _model_names() -> list[str]:
    """The registered model names (:func:`mvae_core.models.available_models`, read from package metadata: nothing is
    imported); none when the registry itself is broken, which resolving the model reports."""
    from mvae_core.errors import MvaeError
    from mvae_core.models import available_models  # the registry validates its sections with this module

    try:
        return list(available_models())
    except MvaeError:
        return []


def _plugin_names() -> list[str]:
    """The registered plugin names (:func:`mvae_core.plugins.available_plugins`, read from package metadata: nothing
    is imported); none when the registry itself is broken, which resolving the plugins reports."""
    from mvae_core.errors import MvaeError
    from mvae_core.plugins import available_plugins  # the plugins module reads its sections with this module

    try:
        return list(available_plugins())
    except MvaeError:
        return []


def _in_another_section(name: str, section: tuple[str, ...]) -> str | None:
    """``model.hidden`` for ``hidden``: the setting of that name in a core section other than ``section``, dotted."""
    others = [other for other in MvaeConfig.model_fields if (other,) != section]
    return next((f"{other}.{name}" for other in others if name in section_fields(MvaeConfig, (other,))), None)


def section_fields(model: type[BaseModel], path: tuple[str, ...]) -> list[str]:
    """The setting names of the (nested) section of ``model`` at ``path`` (its ``internal`` fields left out); ``[]``
    where ``path`` is not a section. A section may sit in an optional field, or be an item of a list or a value of a
    dict (``path`` then holds the index or key: ``("bands", "1")``)."""
    section = _model(_optional(_annotation_at(model, path)))
    internal = getattr(section, "internal", ())
    return (
        [] if section is None else [setting_key(section, name) for name in section.model_fields if name not in internal]
    )


def _annotation_at(model: type[BaseModel], path: tuple[str | int, ...]) -> Any:
    """The annotation of the setting of ``model`` at ``path`` (pydantic's location, or a dotted key's parts); None
    where ``path`` names no setting. A section may sit in an optional field, or be an item of a list or a value of a
    dict (``path`` then holds the index or key: ``("bands", "1")``)."""
    annotation: Any = model
    for part in path:
        annotation = _optional(annotation)
        if (section := _model(annotation)) is not None:
            if part not in section.model_fields:
                return None
            annotation = section.model_fields[str(part)].annotation
        elif get_origin(annotation) in (list, tuple, dict) and get_args(annotation):  # part: an index or a key
            annotation = get_args(annotation)[-1]
        else:
            return None
    return annotation


def settings_tree(settings: BaseModel) -> dict[str, Any]:
    """``settings`` as a config writes it (JSON values): every field, nested models' too, under its
    :func:`setting_key`, so that the tree validates back to the same settings (``config.toml`` of a run is read
    again on resume). Dumping by field name wrote ``colour`` where the config must write ``color``."""

    def keyed(value: Any, dumped: Any) -> Any:
        if isinstance(value, BaseModel) and isinstance(dumped, dict):
            return {setting_key(type(value), name): keyed(getattr(value, name), dumped[name])
                    for name in type(value).model_fields if name in dumped}  # fmt: skip
        if isinstance(value, list | tuple) and isinstance(dumped, list) and len(value) == len(dumped):
            return [keyed(v, d) for v, d in zip(value, dumped, strict=True)]
        if isinstance(value, dict) and isinstance(dumped, dict) and len(value) == len(dumped):
            return {key: keyed(v, d) for (key, d), v in zip(dumped.items(), value.values(), strict=True)}
        return dumped  # a custom serializer's output is kept as it is

    return keyed(settings, settings.model_dump(mode="json"))


def setting_key(model: type[BaseModel], field: str) -> str:
    """The key a config writes for the field ``field`` of ``model``: its alias when it has one (the first a key can
    be), else its name; what unknown-key hints and ``mvae plugins``, ``models`` and ``schedules`` name."""
    return next(iter(alias_keys(model.model_fields[field])), field)


def alias_keys(field: FieldInfo) -> list[str]:
    """The keys the aliases of ``field`` let an input use (its ``validation_alias``: a string, the choices of
    ``AliasChoices``, the first step of an ``AliasPath``; else its ``alias``); ``[]`` without one."""

    def keys(alias: Any) -> list[str]:
        if isinstance(alias, str):
            return [alias]
        if isinstance(alias, AliasPath):
            return [str(alias.path[0])]
        if isinstance(alias, AliasChoices):
            return [key for choice in alias.choices for key in keys(choice)]
        return []

    return keys(field.validation_alias) or [field.alias] * bool(field.alias)


def _optional(annotation: Any) -> Any:
    """``X`` for ``X | None`` (``Optional[X]``); any other annotation as it is."""
    if get_origin(annotation) in (Union, types.UnionType):
        members = [a for a in get_args(annotation) if a is not type(None)]
        return members[0] if len(members) == 1 else annotation
    return annotation


def _model(annotation: Any) -> type[BaseModel] | None:
    """``annotation`` when it is a pydantic model class, else None."""
    return annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None


PROVENANCE = "provenance"
"""The table of a run's ``config.toml`` that records where the run came from (versions, DATA, the split's
fingerprint); it is not configuration, so reading a config drops it (a run's config.toml can be given as
``--config``)."""


def build_config(
    source: Path | dict[str, Any] | MvaeConfig | None = None,
    overrides: list[str] | tuple[str, ...] = (),
    flags: dict[str, Any] | None = None,
    base: Mapping[str, Any] | None = None,
) -> MvaeConfig:
    """Resolve defaults < ``base`` (a config tree: a run started from another's weights takes its model settings so)
    < ``source`` (a TOML file, a run's ``config.toml`` too, a config tree or a config: every setting of an
    ``MvaeConfig`` counts as given) < ``--set`` ``overrides`` (``"a.b=v"``) < dedicated ``flags``
    (``{"train.epochs": 5}``; ``None`` values are not set). A ``source`` of another type is a ``TypeError`` saying
    which types are taken (a Python caller's mistake)."""
    if isinstance(source, MvaeConfig):
        tree = source.model_dump(mode="json", exclude_none=True)
    elif isinstance(source, dict):
        tree = copy.deepcopy(source)
    elif source is None or isinstance(source, str | os.PathLike):
        tree = {} if source is None else config_tree(Path(source))
    else:
        raise TypeError(
            f"config = {source!r}: give a TOML file (a path), a config tree (a dict) or an MvaeConfig, not a "
            f"{type(source).__name__}"
        )
    if base is not None:
        tree = _merged(base, tree)
    for assignment in [*overrides, *flag_overrides(flags or {})]:
        apply_override(tree, assignment)
    return validate_section(MvaeConfig, tree)


def _merged(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """The config tree ``over`` laid over ``base``: tables merged key by key, any other value of ``over`` wins."""
    merged = copy.deepcopy(dict(base))
    for key, value in over.items():
        below = merged.get(key)
        merged[key] = _merged(below, value) if isinstance(below, Mapping) and isinstance(value, Mapping) else value
    return merged


def flag_overrides(flags: Mapping[str, Any]) -> list[str]:
    """``flags`` (``{"train.epochs": 5}``) as overrides (``["train.epochs=5"]``), leaving out those that are None:
    how a dedicated option (``--epochs``) is applied, after every ``--set``."""
    return [f"{key}={toml_literal(value)}" for key, value in flags.items() if value is not None]


def config_tree(file: Path) -> dict[str, Any]:
    """The settings of the config file ``file`` (a run's ``config.toml`` too) as a tree, its :data:`PROVENANCE` table
    left out; :func:`read_toml`'s errors."""
    tree = read_toml(file)
    tree.pop(PROVENANCE, None)
    return tree


def is_run_record(file: Path) -> bool:
    """Whether the config file ``file`` is a run's ``config.toml`` (it holds a :data:`PROVENANCE` table): a record of
    what a run trained with, checked when it trained, which may name plugins given as objects or since uninstalled;
    :func:`read_toml`'s errors."""
    return PROVENANCE in read_toml(file)


def dotted_settings(tree: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Every setting of a dumped config ``tree`` by its dotted key, as ``--set`` names it (``train.lr``,
    ``model.melody_rnn.embedding``, ``loss.coefficients.kl``): tables are opened key by key, any other value is one
    setting (``data.transpositions``, a list)."""
    settings: dict[str, Any] = {}
    for key, value in tree.items():
        if isinstance(value, Mapping):
            settings |= dotted_settings(value, f"{prefix}{key}.")
        else:
            settings[f"{prefix}{key}"] = value
    return settings


CONFIG_BYTES = 1 << 24
"""The most mvae reads of a TOML file (a config, a run's ``config.toml``): 16 MiB, far above any config."""


def read_toml(file: Path, what: str = "config file", written: bool = False) -> dict[str, Any]:
    """The TOML table in ``file``; a :class:`ConfigError` naming ``what`` and the file when it cannot be read or
    parsed (saying to fix it there, and for a file mvae ``written``, a run's ``config.toml``, or to restore it), or is
    not UTF-8 text (TOML's encoding; a UTF-8 byte-order mark, as some Windows editors write, is skipped). The file
    is read with a bound (:func:`~mvae_core.files.read_bounded`, :data:`CONFIG_BYTES`): a FIFO or a link to
    ``/dev/zero`` in its place is refused, not read until memory runs out."""
    try:
        return tomllib.loads(read_bounded(file, CONFIG_BYTES).decode("utf-8-sig"))
    except OSError as exc:
        raise ConfigError(f"cannot read {what} {file}: {exc.strerror}") from None
    except (NotRegular, TooLarge) as exc:
        raise ConfigError(f"cannot read {what} {file}: {exc}") from None
    except RecursionError:
        raise ConfigError(f"{what} {file} is not valid TOML: arrays or tables nested deeper than mvae reads") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{what} {file} is not UTF-8 text (byte {exc.start} is 0x{exc.object[exc.start]:02x}); TOML files are "
            "UTF-8: save it with that encoding"
        ) from None
    except tomllib.TOMLDecodeError as exc:
        restore = ", or restore the file from a backup" if written else ""
        raise ConfigError(f"{what} {file} is not valid TOML: {exc}; fix it there{restore}") from None


def toml_literal(value: Any) -> str:
    """``value`` as a TOML value (the right side of an override). Numbers are written as the Python number they
    hold, so numpy's and torch's read as numbers (``np.int64(32)`` → ``32``; their ``repr`` is no TOML); arrays and
    tensors are written as lists."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        return repr(float(value))  # nan and inf too, which validation then refuses by name
    if callable(to_list := getattr(value, "tolist", None)):  # a numpy array or a torch tensor (0-d: its number)
        return toml_literal(to_list())
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{toml_literal(str(k))} = {toml_literal(v)}" for k, v in value.items()) + "}"
    if isinstance(value, Path):
        return toml_literal(str(value))
    return repr(value)
