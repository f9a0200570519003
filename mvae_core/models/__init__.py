"""The model registry: ``[model] name`` picks an architecture, built-in or from an installed package.

Built-ins are listed in :data:`BUILTIN_MODELS` (``{name: "module:Class"}``); other packages add theirs through the
``mvae.models`` entry-point group (a name may not shadow a built-in). A model is a subclass of
:class:`~mvae_core.models.base.MelodyModel`; its own settings are the ``[model.<name>]`` section of the config,
validated by its ``Settings`` model. ``mvae models`` lists them (docs/models.md).
"""

from __future__ import annotations

import numbers
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from mvae_core.config import LOSS_TERMS, ConfigError, ModelConfig, MvaeConfig
from mvae_core.data.loops import STEPS_PER_LOOP
from mvae_core.errors import MvaeError
from mvae_core.registry import Registered, discover, validate_settings
from mvae_core.suggest import closest

ENTRY_POINT_GROUP = "mvae.models"

BUILTIN_MODELS: dict[str, str] = {
    "melody_rnn": "mvae_core.models.melody_rnn:MelodyRNN",
    "seed": "mvae_core.models.seed:SeedModel",
}


class ModelError(MvaeError, RuntimeError):
    """A registered model cannot be used: it fails to import or its code raises (:func:`model_code`); the message
    names it and its package. :class:`ModelContractError` for what breaks the contract."""


class ModelContractError(ModelError):
    """A model's class or what its code returns breaks the contract (:func:`_contract_problems`, :func:`check_terms`,
    :func:`check_notes`, :func:`check_cells`, ``decoder_modules``): the same code meets it alike in every process of
    a torchrun job, so rank 0 alone says it."""

    same_on_every_rank = True


@dataclass(frozen=True)
class ModelInfo(Registered):
    """A registered model (:class:`~mvae_core.registry.Registered`); ``load`` returns its class."""

    def model_class(self) -> type:
        """The class, checked to be a concrete :class:`~mvae_core.models.base.MelodyModel` with the class attributes
        of the contract (docs/models.md, "Writing a model"); a :class:`ModelError` naming the model and what it lacks
        otherwise."""
        from mvae_core.models.base import MelodyModel

        try:
            cls = self.load()
        except Exception as exc:
            raise ModelError(f"model {self.name!r} ({self.origin}) failed to import: {exc}") from exc
        if not (isinstance(cls, type) and issubclass(cls, MelodyModel)):
            raise ModelContractError(
                f"model {self.name!r} ({self.origin}) is not a mvae_core.models.base.MelodyModel subclass"
            )
        if problems := _contract_problems(cls):
            raise ModelContractError(
                f"model {self.name!r} ({self.origin}) {'; '.join(problems)} (docs/models.md, Writing a model)"
            )
        return cls


def available_models() -> dict[str, ModelInfo]:
    """Built-ins plus every ``mvae.models`` entry point, by name (a third-party name may not shadow a built-in, nor
    be a key of ``[model]``: :func:`unusable_name`)."""
    return discover("model", BUILTIN_MODELS, ENTRY_POINT_GROUP, ModelInfo, ModelError, unusable_name)


def unusable_name(name: str) -> str | None:
    """Why a model could not be configured under ``name``, or None: a key of ``[model]`` (``hidden``, ``name``, …)
    cannot also be the model's ``[model.<name>]`` settings table, and a name with a dot could not be told apart from
    the setting after it (``--set model.<name>.<setting>=…``, the ``[model.<name>]`` that ``mvae models`` names)."""
    if name in ModelConfig.model_fields:
        return f"model.{name} is a setting of [model], so it cannot be the model's [model.{name}] settings table"
    if "." in name:
        return "a dot separates the parts of a config key (model.<name>.<setting>), so a model's name has none"
    return None


def resolve_model(config: MvaeConfig) -> tuple[type, BaseModel]:
    """The class of ``[model] name`` and its validated ``[model.<name>]`` settings, after the model's own check of
    the rest of the config (:meth:`~mvae_core.models.base.MelodyModel.check_config`). An unknown name, a section for
    an unknown model or a bad setting is a :class:`ConfigError` naming the field (and the closest valid name).

    The section of a model that is not ``name`` is validated too (it is not used, but a typo in it is an error), a
    third-party model's as well: its package is imported for that, as it is for a config that uses the model."""
    cfg = config.model
    available = available_models()
    for name in [cfg.name, *cfg.sections]:
        if name not in available:
            where = "model.name" if name == cfg.name else f"model.{name}"
            # a typo, or a model of a package not installed here (a run's config.toml names it): say both
            match = closest(name, available)
            hint = (
                f"; did you mean {match!r}? If {name!r} is a model of a package, install it (a run trained with it "
                "needs it)."
                if match
                else "; no installed package provides it (a run trained with it needs that package installed)."
            )
            raise ConfigError(
                f"{where}: unknown model {name!r}{hint} Available: {', '.join(sorted(available))} (mvae models)."
            )
    for name, section in cfg.sections.items():
        if name != cfg.name:  # not used, but a typo in it is an error all the same
            try:
                unused = available[name].model_class()
            except ModelError as exc:  # say why a model nobody chose was imported
                raise type(exc)(
                    f"{exc} (its [model.{name}] section is checked although model.name is {cfg.name!r}; remove the "
                    "section to train without it)"
                ) from exc
            validate_settings(unused.Settings, section, prefix=f"model.{name}.")
    cls = available[cfg.name].model_class()
    settings = validate_settings(cls.Settings, cfg.sections.get(cfg.name, {}), prefix=f"model.{cfg.name}.")
    with model_code(cfg.name, "check_config"):
        cls.check_config(config)
    return cls, settings


VERSION_KEY_PREFIX = "model."
"""``[provenance.versions]`` keys a model's package as ``model.<name>`` (plugins by their names, mvae as ``mvae``)."""


def model_versions(config: MvaeConfig) -> dict[str, str]:
    """What ``[provenance.versions]`` records of the model: ``{"model.<name>": version}`` for a model from a
    package (its distribution's version), nothing for a built-in (mvae's own version covers it)."""
    info = available_models()[config.model.name]
    return {} if info.origin == "built-in" else {VERSION_KEY_PREFIX + info.name: info.version}


def installed_model_version(name: str) -> dict[str, str | None]:
    """``{"model.<name>": version}``, keyed as :func:`model_versions` keys it, with the version of the model
    ``name`` installed here (None: no installed model has that name): what a run's recorded version is compared
    with."""
    info = available_models().get(name)
    return {VERSION_KEY_PREFIX + name: info.version if info else None}


def build_model(config: MvaeConfig) -> Any:
    """A new :class:`~mvae_core.models.base.MelodyModel` of ``[model] name`` for ``config`` (random weights,
    training mode). An exception of the model's ``__init__`` becomes a :class:`ModelError` naming the model, as does
    a ``decoder_modules`` entry that is none of its modules or parameters (``mvae bend`` would leave it alone)."""
    cls, settings = resolve_model(config)
    with model_code(config.model.name, "__init__"):
        model = cls(config.model, settings, config.data.pitch_classes)
    parts = [*dict(model.named_children()), *dict(model.named_parameters(recurse=False))]
    if unknown := [name for name in cls.decoder_modules if name not in parts]:
        raise ModelContractError(
            f"{_named(config.model.name)}: decoder_modules names {', '.join(unknown)}, not among its modules and "
            f"parameters ({', '.join(parts)}); mvae bend perturbs the decoder by these names (docs/models.md, "
            "Writing a model)"
        )
    return model


@contextmanager
def model_code(model: str, method: str) -> Iterator[None]:
    """Inside the block, which calls the method ``method`` of the model ``model``, an exception that is not an
    :class:`~mvae_core.errors.MvaeError` (a third-party model's bug) becomes a :class:`ModelError` naming the model,
    its package and the method: ``model 'x' (package p) failed to start: TypeError: …`` for ``__init__``, ``model
    'x' (package p): check_config raised TypeError: …`` for another method, with the innermost line of the model's
    own package that the error passed through (``(at file:line)``, as a plugin's error has: the CLI shows no
    traceback)."""
    try:
        yield
    except MvaeError:
        raise
    except Exception as exc:
        from mvae_core.host import _one_line, _plugin_line  # the plugins' rule for "the package's own line"

        what = " failed to start:" if method == "__init__" else f": {method} raised"
        where = _plugin_line(exc, getattr(available_models()[model].load(), method))
        raise ModelError(
            f"{_named(model)}{what} {type(exc).__name__}: {_one_line(exc)}" + (f" (at {where})" if where else "")
        ) from exc


def _named(model: str) -> str:
    """How the contract's errors name a registered model: ``model 'x' (package p)``."""
    return f"model {model!r} ({available_models()[model].origin})"


def check_terms(model: str, terms: Any) -> None:
    """A :class:`ModelError` naming the model ``model`` and its package unless ``terms`` (what its
    ``loss_terms`` returned) is exactly the core terms (:data:`~mvae_core.config.LOSS_TERMS`), each a scalar
    floating-point tensor: plugins, multipliers, validation and ``val_elbo`` work on those by name. With gradients on
    (a training step), at least one term must carry one: terms all detached (``.item()``, ``.detach()``, numpy,
    ``torch.no_grad`` inside ``loss_terms``) would train nothing, and torch's backward refused them with "element 0
    of tensors does not require grad". A term may be a constant (a model that does not predict it)."""
    import torch

    problem, rule = None, f"exactly {', '.join(LOSS_TERMS)}, each a scalar floating-point tensor"
    if not isinstance(terms, dict) or set(terms) != set(LOSS_TERMS):
        given = ", ".join(map(str, terms)) if isinstance(terms, dict) else type(terms).__name__
        problem = f"returned {given or 'no terms'}"
    else:
        for name, value in terms.items():
            if not (isinstance(value, torch.Tensor) and value.dim() == 0 and value.is_floating_point()):
                shape = f"a tensor of shape {list(value.shape)}" if isinstance(value, torch.Tensor) else repr(value)
                problem = f"returned {name!r} = {shape}"
                break
        else:
            if torch.is_grad_enabled() and not any(value.requires_grad for value in terms.values()):
                problem = "returned terms none of which carries a gradient (detached), so training would change nothing"
                rule = "terms computed from output with torch's autograd on (no .item(), .detach(), numpy or no_grad)"
    if problem is not None:
        raise ModelContractError(
            f"{_named(model)}: loss_terms {problem}; it must return {rule} (docs/models.md, Writing a model)"
        )


def check_cells(model: str, cells: Any, x: Any) -> None:
    """A :class:`ModelError` naming the model ``model`` and its package unless ``cells`` (what its
    ``predict_cells`` returned for the loops ``x [batch, 4, pitch_classes, 32]``) is a
    :class:`~mvae_core.models.base.Decoded` whose ``onset_logits``, ``velocity``, ``duration`` and ``timeshift``
    are floating-point tensors ``[batch, pitch_classes, 32]``, and whose ``timing_logits``, when given, are
    ``[batch, 32, timing.n_classes]`` with ``timing`` a :class:`~mvae_core.timing.TimingBins`: validation and ``mvae
    evaluate`` index them with the loops' note cells."""
    import torch

    from mvae_core.models.base import Decoded
    from mvae_core.timing import TimingBins

    cells_shape = [x.shape[0], x.shape[2], STEPS_PER_LOOP]
    problem = None
    if not isinstance(cells, Decoded):
        problem = f"a {type(cells).__name__}"
    else:
        expected = dict.fromkeys(("onset_logits", "velocity", "duration", "timeshift"), cells_shape)
        if cells.timing_logits is not None:
            if not isinstance(cells.timing, TimingBins):
                problem = f"timing_logits with timing = {cells.timing!r}, not a mvae_core.timing.TimingBins"
            else:
                expected["timing_logits"] = [x.shape[0], STEPS_PER_LOOP, cells.timing.n_classes]
        for field, shape in expected.items():
            if problem is not None:
                break
            value = getattr(cells, field)
            if not isinstance(value, torch.Tensor):
                problem = f"{field} as a {type(value).__name__}, not a tensor"
            elif not value.is_floating_point():
                problem = f"{field} of dtype {value.dtype}"
            elif list(value.shape) != shape:
                problem = f"{field} of shape {list(value.shape)}, not {shape}"
    if problem is not None:
        raise ModelContractError(
            f"{_named(model)}: predict_cells returned {problem}; it must return a mvae_core.models.base.Decoded "
            "whose onset_logits, velocity, duration and timeshift are [batch, pitch_classes, 32] floating-point "
            "tensors (with timing_logits: [batch, 32, timing.n_classes] and timing its mvae_core.timing.TimingBins) "
            "(docs/models.md, Writing a model)"
        )


NOTE_RULE = (
    f"notes whose step is an int in 0..{STEPS_PER_LOOP - 1} (16th steps), row an int in 0..pitch_classes - 1 (the pitch "
    "is pitch_low + row), velocity and duration numbers in 0..1 and timeshift a number in -1..1 (half-steps); numpy numbers become "
    "Python ones with .tolist() or int()"
)
"""What :func:`check_notes` requires of each :class:`~mvae_core.generation.Note` (the fields' docstring, checked)."""


def check_notes(model: str, notes: Any, points: int, rows: int | None = None) -> None:
    """A :class:`ModelError` naming the model ``model`` and its package unless ``notes`` (what its
    ``decode_notes`` returned for ``points`` latent points) is one list of :class:`~mvae_core.generation.Note` per
    point, each note's fields as :data:`NOTE_RULE` says: validation, generation, the MIDI writer and ``mvae serve``'s
    JSON read them by name (a numpy integer is not JSON, a NaN velocity is no MIDI velocity). ``rows``, the run's
    ``pitch_classes``, bounds the row (a row beyond it is a pitch the model never learned, above 127 a MIDI error);
    without it only a negative row is refused."""
    from mvae_core.generation import Note

    problem, rule = None, "one list of mvae_core.generation.Note per latent point"
    if not isinstance(notes, list) or len(notes) != points:
        given = f"{len(notes)} items" if isinstance(notes, list) else f"a {type(notes).__name__}"
        problem = f"returned {given} for {points} latent point{'s' * (points != 1)}"
    else:
        for i, loop in enumerate(notes):
            if not isinstance(loop, list):
                problem = f"returned a {type(loop).__name__} for latent point {i}"
                break
            if wrong := next((note for note in loop if not isinstance(note, Note)), None):
                problem = f"returned {wrong!r} (a {type(wrong).__name__}) in the notes of latent point {i}"
                break
            if bad := next(((note, why) for note in loop if (why := _note_problem(note, rows)) is not None), None):
                problem, rule = f"returned {bad[0]!r} in the notes of latent point {i}: {bad[1]}", NOTE_RULE
                break
    if problem is not None:
        raise ModelContractError(
            f"{_named(model)}: decode_notes {problem}; it must return {rule} (docs/models.md, Writing a model)"
        )


def _note_problem(note: Any, rows: int | None) -> str | None:
    """What is wrong with one note's fields (:data:`NOTE_RULE`; the row below ``rows`` when given), or None."""
    for field in ("step", "row"):
        value = getattr(note, field)
        if type(value) is not int:  # not a bool, not a numpy integer
            return f"its {field} is of type {type(value).__name__}, not int"
    if not 0 <= note.step < STEPS_PER_LOOP:
        return f"its step {note.step} is outside 0..{STEPS_PER_LOOP - 1}"
    if note.row < 0:
        return f"its row {note.row} is below 0"
    if rows is not None and note.row >= rows:
        return f"its row {note.row} is beyond the run's {rows} pitch rows (0..{rows - 1})"
    for field, low, high in (("velocity", 0, 1), ("duration", 0, 1), ("timeshift", -1, 1)):
        value = getattr(note, field)
        number = type(value) is float or (not isinstance(value, bool) and isinstance(value, numbers.Real))
        if not (number and low <= value <= high):  # NaN compares False
            return f"its {field} {value!r} is not a number in {low}..{high}"
    return None


def _contract_problems(cls: type) -> list[str]:
    """What the class ``cls`` (a MelodyModel subclass) lacks of the contract: abstract methods it does not
    implement, the class attributes ``description`` (a string) and ``decoder_modules`` (attribute names), a
    ``Settings`` that is a pydantic model."""
    problems = []
    if missing := sorted(getattr(cls, "__abstractmethods__", ())):
        problems.append(f"does not implement {', '.join(missing)}")
    if not isinstance(getattr(cls, "description", None), str):
        problems.append("needs a class attribute description (one line for mvae models)")
    modules = getattr(cls, "decoder_modules", None)
    if not (isinstance(modules, tuple | list) and all(isinstance(m, str) for m in modules)):
        problems.append("needs a class attribute decoder_modules (a tuple of the decoder's attribute names)")
    settings = getattr(cls, "Settings", None)
    if not (isinstance(settings, type) and issubclass(settings, BaseModel)):
        problems.append(f"has Settings = {settings!r}; it must be a pydantic BaseModel subclass")
    elif misnamed := _misnamed_settings(cls):
        problems.append(
            f"has a pydantic model {misnamed} but no Settings: a model's [model.<name>] section is read by its "
            f"Settings class (plugins call theirs Config); rename {misnamed} to Settings"
        )
    return problems


def _misnamed_settings(cls: type) -> str | None:
    """The name of a class attribute of ``cls`` that is a pydantic model named as a plugin's settings are
    (``Config``) or like ``Settings`` in another case or number (``Setting``, ``settings``), when ``Settings`` is
    left at the default :class:`~mvae_core.models.base.NoSettings`: its section would refuse every key."""
    from mvae_core.models.base import MelodyModel, NoSettings

    if cls.Settings is not NoSettings:
        return None
    own = cls.__mro__[: cls.__mro__.index(MelodyModel)]  # the model's classes, read without running descriptors
    for name, value in ((name, value) for klass in own for name, value in vars(klass).items()):
        near = name.lower() in ("config", "setting", "settings", "configs")
        if near and name != "Settings" and isinstance(value, type) and issubclass(value, BaseModel):
            return name
    return None
