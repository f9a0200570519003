"""The model contract as mvae checks it: the errors that name a model and its package (:class:`ModelError`,
:class:`ModelContractError`), a model's class (:func:`contract_problems`), its code run under :func:`model_code`, the
built model (:func:`check_decoder_modules`, :func:`check_reconstruction_options`) and what its methods return
(:func:`check_added_terms`, :func:`check_terms`, :func:`check_cells`, :func:`check_notes`; :func:`check_player`, for a
model's own tests). The registry (:mod:`mvae_core.models`, which re-exports them) and the callers of a model's methods
(trainer, validation, evaluation, generation) use them; docs/models.md, "Writing a model", lists them for authors.
"""

from __future__ import annotations

import functools
import math
import numbers
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, ValidationError

from mvae_core.config import LOSS_TERMS
from mvae_core.data.loops import STEPS_PER_LOOP
from mvae_core.errors import MvaeError

if TYPE_CHECKING:
    from mvae_core.models.base import MelodyModel


class ModelError(MvaeError, RuntimeError):
    """A registered model cannot be used: it fails to import or its code raises (:func:`model_code`); the message
    names it and its package. :class:`ModelContractError` for what breaks the contract."""


class ModelContractError(ModelError):
    """A model's class or what its code returns breaks the contract (:func:`contract_problems`,
    :func:`check_decoder_modules`, :func:`check_reconstruction_options`, :func:`check_terms`, :func:`check_cells`,
    :func:`check_notes`, :func:`check_player`): the same code meets
    it alike in every process of a torchrun job, so rank 0 alone says it."""

    same_on_every_rank = True


@contextmanager
def model_code(model: str, method: str, function: Callable[..., Any] | None = None) -> Iterator[None]:
    """Inside the block, which calls the method ``method`` of the model ``model`` (or ``function``, a method of
    something the model made, such as its player's ``notes``), an exception that is not an
    :class:`~mvae_core.errors.MvaeError` (a third-party model's bug) becomes a :class:`ModelError` naming the model,
    its package and the method: ``model 'x' (package p) failed to start: TypeError: …`` for ``__init__``, ``model
    'x' (package p): check_config raised TypeError: …`` for another method, with the innermost line of the model's
    own package that the error passed through (``(at file:line)``, as a plugin's error has: the CLI shows no
    traceback). The machine running out of memory there (:func:`~mvae_core.out_of_memory.memory_ran_out`) is no bug
    of the model: that becomes a :class:`~mvae_core.out_of_memory.RanOutIn` saying where (``in onnx_graph of model
    'x' (package p)``), which a training (:mod:`~mvae_core.run_ending`), a command
    (:func:`~mvae_core.cli_output.errors_to_exit`) and the server end with as memory running out."""
    try:
        yield
    except MvaeError:
        raise
    except Exception as exc:
        from mvae_core.host import one_line, own_code_line  # the plugins' rule for "the package's own line"
        from mvae_core.out_of_memory import RanOutIn, memory_ran_out

        if memory_ran_out(exc) is not None:
            raise RanOutIn(f"in {method} of {_named(model)}") from exc

        what = " failed to start:" if method == "__init__" else f": {method} raised"
        info = _registered(model)
        code = function if function is not None else getattr(info.imported(), method) if info is not None else None
        where = own_code_line(exc, code) if code is not None else None
        raise ModelError(
            f"{_named(model)}{what} {type(exc).__name__}: {one_line(exc)}"
            + (f" (at {where})" if where else "")
            + _init_advice(method, exc)
        ) from exc


def _init_advice(method: str, exc: Exception) -> str:
    """What to do about an exception of a model's ``__init__`` that mvae's way of building it explains: a call that
    does not fit :data:`INIT_CALL` (a ``TypeError`` of the call itself, :func:`_raised_by_the_call`: not one that
    code inside ``__init__`` raised, such as torch's for a layer of a float size), or a layer assigned before
    ``super().__init__`` ran (torch's "cannot assign module before Module.__init__() call" did not say which
    ``__init__``); nothing for another method or exception."""
    if method != "__init__":
        return ""
    if isinstance(exc, TypeError) and _raised_by_the_call(exc):
        return f"; mvae builds it as {INIT_CALL} (docs/models.md, Writing a model)"
    if isinstance(exc, AttributeError) and "before Module.__init__() call" in str(exc):
        return (
            f"; call super().__init__{INIT_CALL.removeprefix('cls')} first: it makes the model a torch Module and "
            "builds the shared encoder (docs/models.md, Writing a model)"
        )
    return ""


def _raised_by_the_call(exc: Exception) -> bool:
    """Whether ``exc``, raised inside :func:`model_code`'s block, came from the call in the block itself (its
    arguments do not fit the function's signature: Python raises that before any line of the function runs), not
    from code the call ran: the traceback ends in the block's own frame, the one after :func:`model_code`'s."""
    frames = exc.__traceback__
    while frames is not None and frames.tb_frame.f_code is not _MODEL_CODE:
        frames = frames.tb_next
    return frames is not None and frames.tb_next is not None and frames.tb_next.tb_next is None


_MODEL_CODE = model_code.__wrapped__.__code__  # type: ignore[attr-defined]
"""The code of :func:`model_code`'s generator, whose frame heads the traceback of an exception of its block."""

INIT_CALL = "cls(cfg, settings, pitch_classes)"
"""How :func:`~mvae_core.models.build_model` calls a model class: the ``[model]`` config, the model's settings
(its ``Settings``) and the number of pitch rows; a ``TypeError`` of the call names it."""


def _named(model: str) -> str:
    """How the contract's errors name a model: ``model 'x' (package p)``; ``model 'x'`` for a name the registry does
    not hold (an author's test of a class before its package is installed)."""
    info = _registered(model)
    return f"model {model!r}" + (f" ({info.origin})" if info is not None else "")


def _registered(model: str) -> Any:
    """The registry's record (:class:`~mvae_core.models.ModelInfo`) of the model ``model``, or None."""
    from mvae_core.models import available_models  # the registry imports this module

    return available_models().get(model)


def check_added_terms(model: str, names: Any) -> None:
    """A :class:`ModelContractError` naming the model ``model`` and its package unless ``names`` (what its
    :meth:`~mvae_core.models.base.MelodyModel.added_terms` returned) is a tuple or list of names a term may have: a
    plugin's term's rule (:func:`~mvae_core.host.term_name_problem`: no dot or surrounding spaces, not ``total``), none
    of the core terms (:data:`~mvae_core.config.LOSS_TERMS`, which its ``loss_terms`` returns anyway: an added term
    is a new one) and none of the epoch line's labels (:data:`~mvae_core.epoch_labels.LABEL`, which
    ``term_name_problem`` refuses). Checked as the model is built, before any data is read: a term named ``total``
    lost its recorded number to the loss's total, and one named ``elbo`` showed as a second ``elbo`` on the epoch
    line."""
    from mvae_core.host import term_name_problem  # the plugins' rule; host imports torch, this module does not

    if not (isinstance(names, tuple | list) and all(isinstance(name, str) for name in names)):
        raise ModelContractError(
            f"{_named(model)}: added_terms returned {names!r}; it must return a tuple of term names (str) "
            "(docs/models.md, Writing a model)"
        )
    for name in names:
        if name in LOSS_TERMS:
            why = f"a core term's name ({', '.join(LOSS_TERMS)}), which loss_terms returns anyway; an added term is new"
        else:
            why = term_name_problem(name)
        if why is not None:
            raise ModelContractError(
                f"{_named(model)}: added_terms names the term {name!r}: {why}; name it otherwise, in added_terms and "
                "loss_terms alike (docs/models.md, Writing a model)"
            )


def check_terms(model: str, terms: Any, added: Collection[str] = ()) -> None:
    """A :class:`ModelError` naming the model ``model`` and its package unless ``terms`` (what its
    ``loss_terms`` returned) is exactly the core terms (:data:`~mvae_core.config.LOSS_TERMS`) and the ``added`` ones
    (its :meth:`~mvae_core.models.base.MelodyModel.added_terms`), each a scalar
    floating-point tensor: plugins, multipliers, validation and ``val_elbo`` work on those by name. With gradients on
    (a training step), at least one term must carry one: terms all detached (``.item()``, ``.detach()``, numpy,
    ``torch.no_grad`` inside ``loss_terms``) would train nothing, and torch's backward refused them with "element 0
    of tensors does not require grad". A term may be a constant (a model that does not predict it)."""
    import torch

    expected = (*LOSS_TERMS, *added)
    problem, rule = None, f"exactly {', '.join(expected)}, each a scalar floating-point tensor"
    if not isinstance(terms, dict) or set(terms) != set(expected):
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
        expected: dict[str, list[int]] = dict.fromkeys(
            ("onset_logits", "velocity", "duration", "timeshift"), cells_shape
        )
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


def check_decoder_modules(model: str, instance: Any) -> None:
    """A :class:`ModelContractError` naming the model ``model`` (built: ``instance``) and its package unless every
    name of its ``decoder_modules`` is one of its modules or parameters: ``mvae bend`` perturbs the decoder by these
    names, and would leave one it does not find alone."""
    parts = [*dict(instance.named_children()), *dict(instance.named_parameters(recurse=False))]
    if unknown := [name for name in instance.decoder_modules if name not in parts]:
        raise ModelContractError(
            f"{_named(model)}: decoder_modules names {', '.join(unknown)}, not among its modules and parameters "
            f"({', '.join(parts)}); mvae bend perturbs the decoder by these names (docs/models.md, Writing a model)"
        )


def check_reconstruction_options(model: str, instance: Any) -> None:
    """A :class:`ModelContractError` naming the model ``model`` (built: ``instance``) and its package when its
    ``check_options`` refuses :data:`~mvae_core.validation.RECONSTRUCTION` (``temperature = 0``, deterministic), the
    options validation's ``f1`` and ``mvae evaluate``'s reconstructions decode with: a model that only samples
    trained its first epoch and then stopped at validation with its own refusal, naming a ``--temperature`` the user
    never gave. Checked as the model is built, before any data is read."""
    from mvae_core.models.base import UnsupportedOption
    from mvae_core.validation import RECONSTRUCTION  # validation imports the registry, which imports this module

    try:
        with model_code(model, "check_options"):
            instance.check_options(RECONSTRUCTION)
    except UnsupportedOption as exc:
        raise ModelContractError(
            f"{_named(model)}: check_options refuses temperature = 0 ({exc}); validation (its f1) and mvae evaluate "
            "decode every loop's latent point at temperature 0, the model's most likely notes, so decode_notes must "
            "take it (docs/models.md, Writing a model)"
        ) from exc


NOTE_RULE = (
    f"notes whose step is an int in 0..{STEPS_PER_LOOP - 1} (16th steps), row an int in 0..pitch_classes - 1 (the "
    "pitch is pitch_low + row), velocity and duration numbers in 0..1 and timeshift a number in -1..1 (half-steps); "
    "numpy numbers become Python ones with .tolist() or int()"
)
"""What :func:`check_notes` requires of each :class:`~mvae_core.generation.Note` (the fields' docstring, checked)."""


def check_notes(model: str, notes: Any, points: int, rows: int | None = None, method: str = "decode_notes") -> None:
    """A :class:`ModelError` naming the model ``model`` and its package unless ``notes`` (what its
    ``decode_notes``, or the ``method`` named, returned for ``points`` latent points) is one list of :class:`~mvae_core.generation.Note` per
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
                if any(_not_finite(getattr(bad[0], field)) for field in ("velocity", "duration", "timeshift")):
                    built_in = getattr(_registered(model), "origin", None) == "built-in"
                    rule = WEIGHTS_OVERFLOW if built_in else rule  # not a bug of mvae's own code to report
                break
    if problem is not None:
        advice = rule if rule is WEIGHTS_OVERFLOW else f"it must return {rule} (docs/models.md, Writing a model)"
        raise ModelContractError(f"{_named(model)}: {method} {problem}; {advice}")


PLAYER_TOLERANCE = 1e-4
"""How far the live player's velocity, duration and timeshift may lie from ``decode_notes``' (:func:`check_player`):
float32 rounding of a numpy copy of the decoder, far below a MIDI velocity step (1/127)."""


def check_player(model: str, instance: MelodyModel, z: Any, options: Any) -> None:
    """A :class:`ModelContractError` naming the model ``model`` (built: ``instance``, which it puts in eval mode, as
    every caller of ``decode_notes`` does) and its package unless its live player (``instance.player()``) writes, for each latent point ``z[i]`` of ``z [N, latent_dim]``
    played as ``notes(z[i], options, index=i)``, the notes ``decode_notes(z, options)[i]`` writes: the same steps and
    rows, velocity, duration and timeshift within :data:`PLAYER_TOLERANCE`; its ``latent_dim`` must be the model's and
    its notes keep :data:`NOTE_RULE`. ``mvae serve`` plays the player and ``generate`` writes ``decode_notes``, so a
    player that differs plays other loops than the files at the same point; a ``decode_notes`` that draws the patterns
    of a batch from one generator (not :func:`~mvae_core.generation.pattern_rng` ``(options, i)``) fails here too.
    Nothing in mvae calls it: it is for a model's own tests (docs/models.md, Writing a model)."""
    written = instance.eval().decode_notes(z, options)
    check_notes(model, written, len(z), instance.pitch_classes)
    with model_code(model, "player"):
        player = instance.player()
    if getattr(player, "latent_dim", None) != instance.latent_dim:
        raise ModelContractError(
            f"{_named(model)}: player() returned a player whose latent_dim is {getattr(player, 'latent_dim', None)!r}, "
            f"not the model's {instance.latent_dim} (docs/models.md, Writing a model)"
        )
    for i, point in enumerate(z):
        with model_code(model, "player().notes", player.notes):
            played = player.notes(point.detach().cpu().numpy(), options, index=i)
        check_notes(model, [played], 1, instance.pitch_classes, "player().notes")
        if (difference := _first_difference(played, written[i])) is not None:
            raise ModelContractError(
                f"{_named(model)}: player().notes(z[{i}], options, index={i}) wrote {difference}, where decode_notes "
                f"wrote the notes of point {i}; the live player (mvae serve) must write decode_notes' notes: draw "
                "pattern i's random choices from mvae_core.generation.pattern_rng(options, i), in decode_notes and "
                "in the player alike (docs/models.md, Writing a model)"
            )


def _first_difference(played: list[Any], written: list[Any]) -> str | None:
    """How the player's notes ``played`` first differ from ``written`` (:func:`check_player`), or None."""
    if [(n.step, n.row) for n in played] != [(n.step, n.row) for n in written]:
        return (
            f"{len(played)} notes at (step, row) {[(n.step, n.row) for n in played][:8]} against "
            f"{len(written)} at {[(n.step, n.row) for n in written][:8]}"
        )
    for mine, theirs in zip(played, written, strict=True):
        for field in ("velocity", "duration", "timeshift"):
            if abs(getattr(mine, field) - getattr(theirs, field)) > PLAYER_TOLERANCE:
                return (
                    f"the note at step {mine.step}, row {mine.row} with {field} {getattr(mine, field):.6g} against "
                    f"{getattr(theirs, field):.6g}"
                )
    return None


DAMAGED_WEIGHTS = "the run's model.safetensors was likely edited or damaged: restore it from a backup, or train again"
"""What to do about weights that overflow (mvae's training never writes them), wherever that shows."""
WEIGHTS_OVERFLOW = f"a built-in model's numbers are NaN or infinite only where its weights overflow: {DAMAGED_WEIGHTS}"
"""What :func:`check_notes` says of a built-in model's note holding a NaN or infinite number (a package model's is
told the contract: its own code may compute it)."""


def _not_finite(value: Any) -> bool:
    """``value`` is a real number that is NaN or infinite (numpy's too)."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and not math.isfinite(value)


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


def contract_problems(cls: type[MelodyModel]) -> list[str]:
    """What the class ``cls`` (a MelodyModel subclass) lacks of the contract: abstract methods it does not
    implement, the class attributes ``description`` (a string) and ``decoder_modules`` (attribute names, at least
    one), a ``Settings`` that is a pydantic model."""
    problems = []
    if missing := sorted(getattr(cls, "__abstractmethods__", ())):
        problems.append(f"does not implement {', '.join(missing)}")
    if not isinstance(getattr(cls, "description", None), str):
        problems.append("needs a class attribute description (one line for mvae models)")
    modules = getattr(cls, "decoder_modules", None)
    if not (isinstance(modules, tuple | list) and all(isinstance(m, str) for m in modules)):
        problems.append("needs a class attribute decoder_modules (a tuple of the decoder's attribute names)")
    elif not modules:  # mvae bend then wrote an unbent copy, saying "0 decoder tensors bent"
        problems.append("has decoder_modules = (): it must name the decoder's attributes, which mvae bend perturbs")
    settings = getattr(cls, "Settings", None)
    if not (isinstance(settings, type) and issubclass(settings, BaseModel)):
        problems.append(f"has Settings = {settings!r}; it must be a pydantic BaseModel subclass")
    elif misnamed := _misnamed_settings(cls):
        problems.append(
            f"has a pydantic model {misnamed} but no Settings: a model's [model.<name>] section is read by its "
            f"Settings class (plugins call theirs Config); rename {misnamed} to Settings"
        )
    elif wrong := _default_problem(settings):
        problems.append(wrong)
    return problems


@functools.cache
def _default_problem(settings: type[BaseModel]) -> str | None:
    """Why the defaults of ``settings`` (a model's ``Settings``) do not validate, or None: a user who leaves a field
    out gets its default, so a default its own type refuses (``width: int = "wide"``) is the package's bug, said
    here naming the field, not a refusal of the user's ``model.<name>.width`` (which the user never set), nor
    pydantic's serializer warnings as the config was written. Only a field's own default is judged: a required field
    (no default), a model validator and a validator's exception are left to the user's section, which
    :func:`~mvae_core.registry.validate_settings` checks (a validator may need a key the user gives)."""
    checked = type(
        settings.__name__,
        (settings,),
        {"__module__": settings.__module__, "model_config": ConfigDict(validate_default=True)},
    )
    try:
        checked.model_validate({})
    except ValidationError as exc:
        wrong = [error for error in exc.errors() if error["type"] != "missing" and error["loc"]]
        if wrong:
            field = ".".join(map(str, wrong[0]["loc"]))
            return (
                f"has a Settings whose default {field} = {wrong[0]['input']!r} does not validate ({wrong[0]['msg']}): "
                f"give {field} a default its type takes"
            )
    except Exception:  # a validator's own bug on an empty section: the user's section is checked for it
        return None
    return None


def _misnamed_settings(cls: type[MelodyModel]) -> str | None:
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
