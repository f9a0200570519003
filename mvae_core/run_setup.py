"""The run a :func:`~mvae_core.session.train` call trains, with its config and data, checked before any data is read.

A new run (:func:`new_run_setup`): its config (defaults < config < overrides < arguments, over the starting weights'
model settings), its folder (:func:`refuse_existing_run`: never one that holds a run, nor files a run would write
over) and its data paths (which must exist, and must be neither a run's folder nor the new run's); given no data,
the note of what it trains on (:func:`default_data_note`).

A resume (:func:`resume_setup`): the run's own config (only the epoch budget, :data:`_EPOCHS_KEY`, and the data's
place may change), refused without a checkpoint (one that stopped before its first starts over, from the weights it
recorded: :func:`recorded_starting_weights`); :func:`edited_settings` compares its ``config.toml`` with the settings the
checkpoint recorded, warning of those of :data:`~mvae_core.resume_settings.RESUME_WARNED` and of plugins taken out of
``plugins.enabled``, and refusing any other edit with the new run that would train with it; settings given to a
resume (:func:`refuse_other_settings`) pass when they are the run's own values, and so do those of ``RESUME_WARNED``
and a ``plugins.enabled`` that names some of the run's plugins, which the resume writes into ``config.toml`` (as an
edit of it would) and warns of; any other is refused, naming it with both values.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

from mvae_core.checkpoint import SETTINGS
from mvae_core.config import (
    AUTO_PITCH_LOW,
    ConfigError,
    MvaeConfig,
    build_config,
    dotted_settings,
    parse_set_value,
    settings_tree,
    toml_literal,
)
from mvae_core.data.corpus import CORPUS_PREFIX, DEFAULT_DATA
from mvae_core.data.load import absolute_data, check_paths, data_arguments
from mvae_core.data.relocation import Relocation
from mvae_core.errors import DataError, InputError, MvaeError, OptionError, ResumeRefused, RunExists, shortened
from mvae_core.host import OBJECT_ORIGIN, PluginHost
from mvae_core.models import resolve_model
from mvae_core.plugins import available_plugins, expand_all, validated_sections
from mvae_core.progress import Advice
from mvae_core.resume_settings import ENABLED_KEY, RESUME_OPTIONS, RESUME_WARNED, SETTING_OPTIONS
from mvae_core.run import RunDir
from mvae_core.run_files import CHECKPOINT, CONFIG, DATA_REPORT, SPLIT, WRITTEN_WHOLE
from mvae_core.run_state import NON_FINITE, REPEATS
from mvae_core.run_steps import Steps
from mvae_core.run_weights import settings_record
from mvae_core.starting_weights import INHERITED_DATA, PROVENANCE_KEY, StartingWeights, read_starting_weights
from mvae_core.wording import listed, noun_for

_EPOCHS_KEY = "train.epochs"
"""The setting ``epochs=`` (``--epochs``) sets, and the one override a resume names as its own argument."""


def default_data_note(run: RunDir, cfg: MvaeConfig) -> Advice:
    """What a new run given no data trains on, and how to give one's own: a first ``mvae train`` typed without
    DATA would otherwise train on the bundled corpus for minutes with only the data table's title saying so."""
    epochs = f"{cfg.train.epochs} epoch{'s' if cfg.train.epochs != 1 else ''}"
    said = f"no data given: training on {' '.join(DEFAULT_DATA)}, the bundled folk tunes, for {epochs}"
    return Advice(
        f"{said}; to train on your own MIDI files: mvae_core.train('my-midi/', out='runs/mine')",
        f"{said} into {run.path}; to train on your own MIDI files: mvae train my-midi/ --out runs/mine "
        "(Ctrl-C stops this one: while it reads the tunes, keeping those parsed; once it trains, with a checkpoint)",
    )


def recorded_starting_weights(run: RunDir) -> StartingWeights | None:
    """The weights ``run``, stopped before its first checkpoint, started from (``[provenance.init_from]``), read
    again for it to start over from: they must be the same (their digest); None for a run that started from its own
    random weights."""
    record = run.read_provenance().get(PROVENANCE_KEY)
    if not isinstance(record, dict):
        return None
    path, digest = str(record.get("path")), record.get("weights_sha256")
    try:
        starting = read_starting_weights(path)
    except MvaeError as exc:
        said = f"{run.path} stopped before its first checkpoint, so it starts over from the weights it started from, "
        fix = f"put {path} back, or start a new run"
        raise ResumeRefused(
            f"{said}which cannot be read again ({exc}); {fix}",
            command_line=f"{said}which cannot be read again ({exc.command_line_message()}); {fix}",
        ) from None
    if starting.digest != digest:
        raise ResumeRefused(
            f"{run.path} stopped before its first checkpoint, so it starts over from the weights it started from, "
            f"but {path} holds other weights now (weights_sha256 {str(digest)[:16]}… in {run.path / CONFIG}, "
            f"{starting.digest[:16]}… there); put those back, or start a new run"
        )
    return starting


def new_run_setup(
    out: str | os.PathLike[str] | None, data: Any, config: Any, overrides: Any, enabled: list[Any] | None,
    epochs: int | None, starting: StartingWeights | None = None,
) -> tuple[RunDir, MvaeConfig, list[str], Relocation]:  # fmt: skip
    """:func:`~mvae_core.session.train`'s arguments for a new run checked, before anything is read: its folder
    (refused when it holds a run), its config (``overrides`` and ``enabled``, the plugins' names, over ``config``,
    over the model settings of the ``starting`` weights) and its data paths."""
    flags = {_EPOCHS_KEY: epochs, "plugins.enabled": enabled}
    base = starting.defaults() if starting else None
    if isinstance(overrides, Mapping):
        cfg = build_config(_config_source(config), (), {**overrides, **flags}, base)
    else:  # one "key=value" string is one override, as one path is one DATA
        assignments = [overrides] if isinstance(overrides, str) else list(overrides or ())
        cfg = build_config(_config_source(config), assignments, flags, base)
    run = RunDir(Path(out) if out is not None else Path("runs") / time.strftime("%Y%m%d-%H%M%S"))
    if out is not None:  # a default folder that holds a run is numbered on (session._claimed)
        refuse_existing_run(run, epochs)
    data = data_arguments(data) or DEFAULT_DATA
    check_paths(data)  # before anything else, and as the user spelled them
    _refuse_runs_as_data(data, epochs)
    _refuse_data_as_run(run, data)
    return run, cfg, absolute_data(data), Relocation()


def _refuse_runs_as_data(data: list[str], epochs: int | None) -> None:
    """An :class:`~mvae_core.errors.InputError` for a data folder that is a run: ``mvae train RUN --epochs 80`` is
    how a newcomer tries to continue a run, and it trained a new model on the loops ``mvae generate`` had written
    into the run. Loops generated into a run are trained on by naming their folder (``RUN/samples``)."""
    for given in data:
        run = RunDir(Path(given))
        if run.path.is_dir() and run.exists():
            more = "" if epochs is None else f" --epochs {epochs}"
            then = f"to train on loops mvae generate wrote into it, give the folder they are in, e.g. {run.path / 'samples'}"
            tune = "to train its weights on other MIDI files, start a new run from them"
            python, command = run.steps(python=True).init_from, run.steps(python=False).init_from
            raise InputError(
                f"data {given} is a run folder, not MIDI files: to continue training it, "
                f"{run.resume_call(*([] if epochs is None else [f'epochs={epochs}']))}; {tune}: {python}; {then}",
                command_line=f"DATA {given} is a run folder, not MIDI files: to continue training it, "
                f"{run.resume_command}{more}; {tune}: {command}; {then}",
            )


def _refuse_data_as_run(run: RunDir, data: list[str]) -> None:
    """An :class:`~mvae_core.errors.InputError` for a run folder that is one of its DATA folders: the run's files
    would lie among the MIDI files, and the folder would be a run's (refused as DATA) from then on."""
    for given in data:
        if not given.startswith(CORPUS_PREFIX) and Path(given).is_dir() and _same_folder(Path(given), run.path):
            said = (
                f"{run.path} is the DATA folder {given}: the run's files would lie among its MIDI files; give the run"
            )
            raise InputError(
                f"{said} a folder of its own with out= (e.g. out='runs/mine')",
                command_line=f"{said} a folder of its own with --out (e.g. --out runs/mine)",
            )


def _same_folder(one: Path, other: Path) -> bool:
    """``one`` and ``other`` are the same folder (``other`` may not exist yet)."""
    try:
        return other.exists() and one.samefile(other)
    except OSError:
        return False


def _refuse_other_files(run: RunDir) -> None:
    """An :class:`~mvae_core.errors.InputError` when ``run``'s folder, which holds no run (:meth:`RunDir.exists`),
    holds files of the names a run writes there (:data:`~mvae_core.run_files.WRITTEN_WHOLE`) that a new run would
    write over: the user's own (an experiment's ``config.toml``, the ``--config`` file itself), or what is left of a
    run that cannot start over there (a model without its training state). What a run that stopped before anything
    of its training was saved left is no such file: its ``config.toml`` with its ``[provenance]``
    (:meth:`RunDir.trained_nothing`), or, before that was written, its ``split.json`` and ``data_report.json`` as
    mvae writes them; a new run starts over in its place."""
    there = [name for name in WRITTEN_WHOLE if os.path.lexists(run.path / name)]
    if not there:
        return
    if CONFIG in there:
        try:
            started = bool(run.read_provenance()) and run.trained_nothing()
        except MvaeError:  # not TOML, or not a run's: the user's file
            started = False
        if started:
            return
    else:  # a run stopped after its data was read, before its config.toml: what it wrote is left as mvae wrote it
        kept = {SPLIT: run.split_damaged() is None, DATA_REPORT: not run.data_report_damaged()}
        there = [name for name in there if not kept.get(name)]
        if not there:
            return
    them = "it" if len(there) == 1 else "them"
    said = (
        f"{run.path} holds {listed(there, shown=len(there))}, which a new run there would write over (no run that "
        f"can start over there wrote {them}): nothing was written; choose another output directory (a new folder) "
    )
    raise InputError(
        f"{said}with out=, or move {them} out of {run.path}",
        command_line=f"{said}with --out, or move {them} out of {run.path}",
    )


def refuse_existing_run(run: RunDir, epochs: int | None = None, locked: bool = False) -> None:
    """:class:`RunExists` when ``run`` already holds a run: a new run never writes over one. The message says where
    that run stands (:meth:`RunDir.state`; ``locked``: this process holds its lock) and what can be done with it: a
    finished run is continued with a larger epoch budget (``epochs``, when it is one), a run a plugin stopped is not
    resumed, one that another process trains is left to it; a run stopped before its end is continued with the
    ``epochs`` asked for, when they are more than it has done. A run that stopped before anything of its training was
    saved (:meth:`RunDir.trained_nothing`: it failed or crashed at its start) is no run to keep: the new run starts
    over in its place, as the messages of that stop say (``the same mvae train command``). A folder that holds no
    run but files a new run would write over is refused as well (:func:`_refuse_other_files`)."""
    if not run.exists():
        _refuse_other_files(run)
        return
    state = run.state(check_lock=not locked)
    if state.kind != "training" and run.trained_nothing():
        return
    budget = epochs if epochs is not None and epochs > state.done else None

    def message(steps: Steps) -> str:
        here, elsewhere = f"{run.path} already holds a run, {state}", "choose another output directory"
        if state.kind == "training":
            return f"{here}; wait for it to finish, or {elsewhere}"
        if state.kind == "stopped":
            further = f"or train its weights further in a new run: {steps.init_from}"
            return f"{here}; a run a plugin stopped is not resumed: {elsewhere}, {further}"
        if not run.has_checkpoint():  # deleted to keep only the model: generate reads it, a resume cannot
            return f"{here}; its {CHECKPOINT} is gone, so it cannot be continued: {elsewhere}"
        if state.kind == "finished":
            more = f"and a larger epoch budget: {steps.more_epochs}"
            return f"{here}; continue it with resume ({steps.resume}) {more}, or {elsewhere}"
        if state.error == NON_FINITE:
            return f"{here}; {REPEATS}, in another output directory"
        if budget is not None:  # the epoch budget this command asked for goes with the resume (it is kept)
            return (
                f"{here}; continue it with resume to the {budget} epochs asked for ({steps.more_epochs}) or {elsewhere}"
            )
        if epochs is not None:  # a budget the run has done already: a resume with it would train nothing
            kept = (
                f"the {epochs} epochs asked for are no more than the {state.done} it has done, so it keeps its budget"
            )
            return f"{here}; continue it with resume ({steps.resume}: {kept}) or {elsewhere}"
        return f"{here}; continue it with resume ({steps.resume}) or {elsewhere}"

    raise run.said_both_ways(RunExists, message, epochs=budget)


class OtherSettingsRefused(ResumeRefused):
    """A resume given settings of its own (:func:`refuse_other_settings`): every process of a torchrun job is given
    the same arguments, so rank 0 alone says it."""

    same_on_every_rank: ClassVar[bool] = True


def refuse_other_settings(
    out: str | os.PathLike[str], config: Any, overrides: Any, options: Sequence[tuple[str, object]] = ()
) -> dict[str, Any]:
    """The settings of :data:`RESUME_WARNED` that a resume of the run ``out`` is given and that differ from the run's,
    and a ``plugins.enabled`` naming some of the run's plugins (:func:`_kept_plugins`: the others taken out),
    ``{dotted key: value}`` (``{}`` when none), when no other setting given differs: the resume writes them into its
    ``config.toml`` and continues with them, warning as for an edit of that file. What is given: a ``config`` (the
    settings it names), ``overrides`` and, from the command line, ``options``, the other options of ``mvae train``
    given with ``--resume``, each ``(option, value)`` as typed (``("--seed", 3)``; those of
    :data:`~mvae_core.resume_settings.SETTING_OPTIONS` set their setting, ``("--out", path)`` names the new run unless
    it is the run's folder). ``config`` and ``overrides`` are ``--config`` and the ``--set`` assignments on the command
    line.

    Each setting given is compared with the run's ``config.toml`` (:func:`_given_changes`): one equal to the run's
    value passes in silence (the call that started the run, given again with ``resume``, changes nothing).
    :class:`OtherSettingsRefused` when one of another setting differs, or ``--out`` names another folder: a resume
    trains with its saved config. The message names the arguments that would change it and each such setting with
    the run's value and the one given (``model.hidden 32 → 64``), the new run that would train with them from the
    run's config and trained weights (``init_from``; on the command line the command to type, an option as typed), a
    new epoch budget as a resume's own argument (``epochs``, ``--epochs``), and the settings given that a resume
    alone may take. Where ``out`` holds no run whose config can be read (the resume is refused for that after this),
    every argument given is refused as one that would change the run, but the settings of ``RESUME_WARNED``.

    :raises ConfigError: a setting given that no new run would take either (an unknown key, a bad value).
    """
    typed = [(name, value) for name, value in options if value is not None]  # --seed 0 is given too
    typed = [(name, value) for name, value in typed if name != "--out" or not _same_folder(Path(str(value)), Path(out))]
    if not config and not overrides and not typed:
        return {}
    assignments = _assignments(overrides)
    flags = [f"{SETTING_OPTIONS[name]}={toml_literal(value)}" for name, value in typed if name in SETTING_OPTIONS]
    changed = _given_changes(RunDir(Path(out)), config, [*assignments, *flags])
    if changed is None:  # nothing to compare with: every setting given would change the run, as far as it is known
        may, others = _resume_may_change(assignments, typed)
        if may and not others and not config:
            return may
        keys = {_setting(name) for name in [*assignments, *flags]} - set(RESUME_WARNED)
    else:
        may = {key: now for key, (_, now) in changed.items() if key in RESUME_WARNED and now is not None}
        if ENABLED_KEY in changed and (kept := _kept_plugins(*changed[ENABLED_KEY])) is not None:
            may[ENABLED_KEY] = kept  # plugins taken out, as an edit of config.toml may take them out
        keys = {key for key in changed if key not in may}
        if not keys and all(name in SETTING_OPTIONS for name, _ in typed):  # no --out of another folder
            return may
    raise _refused_settings(out, config, assignments, typed, keys, changed, may)


def _given_changes(run: RunDir, config: Any, assignments: list[str]) -> dict[str, tuple[Any, Any]] | None:
    """``{dotted key: (the run's value, the value given)}`` of the settings that ``config`` (those it names) and the
    ``assignments`` (``key=value``, as ``--set`` takes them) give ``run`` otherwise than its ``config.toml`` holds
    them (``None`` for a value not set); None when ``run`` has no ``config.toml`` that can be read. The values given
    are read as a new run's (:func:`~mvae_core.config.build_config`), so ``"32"`` from ``--set``, ``32.0`` and
    ``numpy.int64(32)`` are the ``32`` the run has; a model's or plugin's section given another way than the run
    records it (``plugins.kl_anneal.schedule=constant``, a table of some of its settings) is compared as that
    model or plugin reads it (:func:`_resolved`); ``data.pitch_low = "auto"`` is the rows a run given ``"auto"``
    chose; a list of plugins names the run's in any order (the resume keeps the run's order). In the order the
    ``assignments`` give them, then ``config``'s."""
    try:
        recorded = run.read_config()
    except MvaeError:  # no run there, or none mvae can read: the resume is refused for that after this
        return None
    given = build_config(_config_source(config), assignments, None, base=_settings(recorded))
    auto = run.read_provenance().get("pitch_low") == AUTO_PITCH_LOW
    if auto and given.data.pitch_low == AUTO_PITCH_LOW and recorded.data.pitch_low != AUTO_PITCH_LOW:
        given = given.model_copy(update={"data": given.data.with_pitch_low(recorded.data.pitch_low)})
    changed = _differences(_settings(recorded), _settings(given))
    if any(_in_section(key) for key in changed):
        # a model or plugin not installed here: as written (the resume says what is missing)
        with contextlib.suppress(MvaeError):
            changed = _differences(_resolved(recorded), _resolved(given))
    if ENABLED_KEY in changed and _same_plugins(*changed[ENABLED_KEY]):
        del changed[ENABLED_KEY]
    keys = [_setting(assignment) for assignment in assignments]  # in the order given, those of config after them
    place = {key: next((i for i, k in enumerate(keys) if _sets(k, {key})), len(keys)) for key in changed}
    return dict(sorted(changed.items(), key=lambda item: place[item[0]]))


def _settings(cfg: MvaeConfig) -> dict[str, Any]:
    """The settings of ``cfg`` as a tree, as ``config.toml`` writes them."""
    return cfg.model_dump(mode="json", exclude_none=True)


def _resolved(cfg: MvaeConfig) -> dict[str, Any]:
    """:func:`_settings` of ``cfg`` with its model's section and the section of each of its plugins as that model or
    plugin reads them (every setting, defaults included), as :func:`~mvae_core.run_plugins.checked_config` resolves
    them for ``config.toml``, without starting any plugin."""
    _, model_settings = resolve_model(cfg)
    tree = _settings(cfg)
    tree["model"][cfg.model.name] = settings_tree(model_settings)
    sections = validated_sections(cfg.plugins, available_plugins())
    tree["plugins"] |= {name: settings_tree(settings) for name, settings in sections.items()}
    return tree


def _in_section(key: str) -> bool:
    """Whether the dotted ``key`` is a setting of a model's or plugin's own section (``plugins.kl_anneal.per_step``,
    ``model.melody_rnn.embedding``), which that model or plugin reads."""
    section, _, rest = key.partition(".")
    return section in ("model", "plugins") and "." in rest


def _differences(recorded: Mapping[str, Any], given: Mapping[str, Any], prefix: str = "") -> dict[str, tuple[Any, Any]]:
    """``{dotted key: (recorded value, given value)}`` of the settings of two config trees that differ (``None``: not
    set). A table of a model's or plugin's section whose keys differ (a schedule of another kind) is one setting: its
    keys are not settings of their own."""
    changed: dict[str, tuple[Any, Any]] = {}
    for key in dict.fromkeys([*recorded, *given]):
        one, other, dotted = recorded.get(key), given.get(key), f"{prefix}{key}"
        if (
            isinstance(one, dict)
            and isinstance(other, dict)
            and (one.keys() == other.keys() or not _in_section(dotted))
        ):
            changed |= _differences(one, other, f"{dotted}.")
        elif not _same(one, other):
            changed[dotted] = (one, other)
    return changed


def _same(one: Any, other: Any) -> bool:
    """Whether two setting values are the same: ``32`` and ``32.0`` are, ``true`` and ``1`` are not; lists item by
    item, tables key by key."""
    if isinstance(one, list) and isinstance(other, list):
        return len(one) == len(other) and all(map(_same, one, other))
    if isinstance(one, dict) and isinstance(other, dict):
        return one.keys() == other.keys() and all(_same(one[key], other[key]) for key in one)
    return isinstance(one, bool) == isinstance(other, bool) and one == other


def _same_plugins(run_names: Any, given: Any) -> bool:
    """Whether the plugin names ``given`` name the run's plugins (``run_names``, as its ``plugins.enabled`` records
    them), in any order: ``all`` is every built-in (:func:`~mvae_core.plugins.expand_all`), ``none`` none. A resume
    runs them in the run's order."""
    if not isinstance(run_names, list) or not isinstance(given, list):
        return False
    try:
        named = expand_all(given, available_plugins())
    except ConfigError as exc:  # a built-in named beside all: refused as for a new run
        raise ConfigError(f"{ENABLED_KEY}: {exc}") from None
    return set(named) - {"none"} == set(run_names)


def _kept_plugins(run_names: Any, given: Any) -> list[str] | None:
    """The run's plugins (``run_names``, as its ``plugins.enabled`` records them) that the names ``given`` keep, in
    the run's order, when ``given`` names some of them and no other (``all``: every built-in, ``none``: none): a
    resume given that takes the others out (:func:`_taken_out`, with a warning). None when ``given`` names all of
    them, or another plugin."""
    if not isinstance(run_names, list) or not isinstance(given, list):
        return None
    named = set(expand_all(given, available_plugins())) - {"none"}
    return [name for name in run_names if name in named] if named < set(run_names) else None


def _setting(assignment: str) -> str:
    """The dotted key an assignment (``key=value``) sets."""
    return assignment.partition("=")[0].strip()


def _sets(key: str | None, keys: set[str]) -> bool:
    """Whether a setting given under ``key`` (a table's key too) sets one of ``keys``."""
    return key is not None and any(k == key or k.startswith(f"{key}.") or key.startswith(f"{k}.") for k in keys)


def _refused_settings(
    out: str | os.PathLike[str], config: Any, assignments: list[str], typed: list[tuple[str, object]], keys: set[str],
    changed: dict[str, tuple[Any, Any]] | None, may: dict[str, Any],
) -> OtherSettingsRefused:  # fmt: skip
    """The refusal of :func:`refuse_other_settings`: the arguments that set the refused settings ``keys`` (``--out``
    of another folder too; ``config`` for those no other argument sets), the settings ``changed`` (None: not known)
    among them with both values, what to do instead, and the settings given that a resume alone may take
    (``may``)."""
    set_refused = [a for a in assignments if _sets(_setting(a), keys)]
    kept = [(name, value) for name, value in typed if name not in SETTING_OPTIONS or _sets(SETTING_OPTIONS[name], keys)]
    given = [_setting(a) for a in assignments] + [SETTING_OPTIONS[name] for name, _ in typed if name in SETTING_OPTIONS]
    by_config = bool(config) and (changed is None or any(not any(_sets(g, {key}) for g in given) for key in keys))
    set_names = ["--set"] if len(set_refused) == len(assignments) else [f"--set {a}" for a in set_refused]
    names = [*(["--config"] * by_config), *(set_names if set_refused else []), *(name for name, _ in kept)]
    python_names = [*(["config"] * by_config), *(["overrides"] * bool(set_refused)), *(name for name, _ in kept)]
    refused = {key: values for key, values in (changed or {}).items() if key in keys}
    changes = f" ({_changes(refused)})" if refused else ""
    said = f"a resume continues {out} with its saved config; {', '.join(python_names)} cannot change it{changes}"
    said_here = f"--resume continues a run with its saved config; {', '.join(names)} cannot change it{changes}"
    budget = _epochs_override(assignments) if _EPOCHS_KEY in keys else None
    own = "; a new epoch budget is a resume's own argument: "
    python_budget, command_budget = (f"{own}epochs={budget}", f"{own}--epochs {budget}") if budget else ("", "")
    run_config = str(Path(out) / CONFIG)
    if changed is None:  # the arguments as given
        overrides, weights = "...", _weights_fit(keys)
        again = [("--config", config or run_config), *(("--set", a) for a in assignments)]
        again += [(name, value) for name, value in typed if name != "--out"]
    else:  # the run's config with every setting given that changes it, each option as typed
        new = {key: now for key, (_, now) in changed.items() if key != _EPOCHS_KEY and now is not None}
        overrides, weights = repr(new), _weights_fit(new)
        options = {SETTING_OPTIONS[name]: (name, value) for name, value in typed if name in SETTING_OPTIONS}
        again = [("--config", run_config)]
        again += [options.get(key, ("--set", f"{key}={toml_literal(now)}")) for key, now in new.items()]
    again += [("--init-from", out)] * weights  # not for settings of the model: its weights would not fit
    command = " ".join(f"{name} {shlex.quote(str(value))}" for name, value in again)
    new_run = shlex.quote(str(dict(typed).get("--out") or "NEW_RUN"))
    edit = _resume_edit(out, may) if may else None
    python_then = command_then = ""
    # more than a new budget to say: other settings, --out of another folder, or a budget not given as an assignment
    if keys - {_EPOCHS_KEY} or any(name not in SETTING_OPTIONS for name, _ in kept) or budget is None:
        then = f"; to train with other settings, start a new run from its config{' and trained weights' * weights}"
        init_from = f", init_from={str(out)!r}" * weights
        python_then = (
            f"{then} (mvae_core.train(data, config={run_config!r}, overrides={overrides}{init_from}, out=...))"
        )
        command_then = f"{then} (mvae train DATA {command} --out {new_run})"
    return OtherSettingsRefused(
        f"{said}{python_budget}{python_then}{str(edit) if edit else ''}",
        command_line=f"{said_here}{command_budget}{command_then}{edit.command_line if edit else ''}",
    )


def _resume_may_change(assignments: list[str], typed: list[tuple[str, object]]) -> tuple[dict[str, Any], int]:
    """The settings of :data:`RESUME_WARNED` among the ``assignments`` (``key=value``) and ``typed`` options given to
    a resume, ``{dotted key: value}``, and how many of those given set another."""
    may: dict[str, Any] = {}
    others = 0
    for assignment in assignments:
        key, _, value = assignment.partition("=")
        if key.strip() in RESUME_WARNED:
            may[key.strip()] = parse_set_value(value.strip())
        else:
            others += 1
    for option, value in typed:
        if option in RESUME_OPTIONS:
            may[RESUME_OPTIONS[option]] = value
        else:
            others += 1
    return may, others


def _resume_edit(out: str | os.PathLike[str], may: dict[str, Any]) -> Advice:
    """What a refusal of a resume's settings adds for those of them (``may``) that a resume alone may change:
    ``; a resume may change train.device (…): given without the others (mvae train --resume RUN --device cpu), it
    sets them in RUN/config.toml and continues (with a warning)``."""
    run = RunDir(Path(out))
    why = ["where and how the run computes or what it records"] * any(key != ENABLED_KEY for key in may)
    why += ["plugins taken out"] * (ENABLED_KEY in may)
    said = f"; a resume may change {', '.join(may)} ({'; '.join(why)}): given "
    then = f" it sets {'it' if len(may) == 1 else 'them'} in {run.path / CONFIG} and continues (with a warning)"
    python = ", ".join(f"{key!r}: {value!r}" for key, value in may.items())
    options = {key: option for option, key in RESUME_OPTIONS.items()}
    typed = " ".join(
        f"{options[key]} {shlex.quote(str(value))}"
        if key in options
        else f"--set {shlex.quote(f'{key}={toml_literal(value)}')}"
        for key, value in may.items()
    )
    return Advice(
        f"{said}without the others ({run.resume_call(f'overrides={{{python}}}')}),{then}",
        f"{said}without the others ({run.resume_command} {typed}),{then}",
    )


def resume_setup(
    out: str | os.PathLike[str] | None,
    data: Any,
    config: Any,
    overrides: Any,
    names: list[str] | None,
    epochs: int | None,
) -> tuple[RunDir, MvaeConfig, list[str], Relocation]:
    """The run to resume, its config (with a new epoch budget), its DATA (at the place given, when it moved) and
    how that place pairs with the saved one. ``names``, the plugin names given (None: none given), must name the
    run's plugins by name, or some of them: the others are taken out of the config returned (``[]``: all of them),
    as :func:`edited_settings` then warns; another list is refused."""
    if out is None:
        raise ResumeRefused("resume needs the run directory to continue (out=RUN, mvae train --resume RUN)")
    given = refuse_other_settings(out, config, overrides)
    run = RunDir(Path(out))
    if not run.has_checkpoint() and not run.trained_nothing():  # a run that trained nothing starts over
        raise run.refuse_resume_without_checkpoint()
    cfg = run.read_config()
    if given:  # written into config.toml by train(), under the run's lock
        cfg = build_config(cfg, (), given)
    if names is not None:  # the run's own list again (plugins=["kl_anneal", ("probe", probe)]), or some of it
        versions = run.read_provenance().get("versions", {})
        own = [n for n in cfg.plugins.enabled if not str(versions.get(n, "")).startswith(OBJECT_ORIGIN)]
        if not _same_plugins(own, names):  # in any order, all as every built-in, as --plugins on a resume
            if (kept := _kept_plugins(own, names)) is None:
                raise ResumeRefused(
                    f"a resume continues {out} with its saved config; plugins (by name) cannot change it but to take "
                    f"some out: it trains with {', '.join(own) or 'no plugin by name'}; give those, some of them, "
                    "or only the plugin objects it was started with, if any"
                )
            enabled = [name for name in cfg.plugins.enabled if name in kept or name not in own]
            cfg = build_config(cfg, (), {ENABLED_KEY: enabled})  # taken out: written and warned as given ones
    if epochs is not None and epochs < 1:
        raise OptionError("epochs", f"must be at least 1, got {epochs}")
    if epochs is not None:
        cfg = cfg.model_copy(update={"train": cfg.train.model_copy(update={"epochs": epochs})})
    saved, moved_to = run.read_data(), data_arguments(data)
    if not moved_to:
        try:
            check_paths(saved)
        except DataError as exc:
            places = _placeholders(saved)
            python = run.resume_call(
                f"data=[{', '.join(repr(p) if p.startswith(CORPUS_PREFIX) else p for p in places)}]"
            )
            raise DataError(
                f"{exc}; if the data moved, give its new place: {python}",
                command_line=f"{exc.command_line_message()}; if the data moved, give its new place: "
                f"{run.resume_command} {' '.join(places)}",
            ) from None
        return run, cfg, saved, Relocation()
    check_paths(moved_to)
    moved_to = absolute_data(moved_to)
    return run, cfg, moved_to, Relocation.between(saved, moved_to)


def refuse_fewer_epochs(run: RunDir, checkpoint: Mapping[str, Any], given: int | None, saved: int) -> None:
    """One rule for a resume's epoch budget, ``given`` (``--epochs``, ``epochs=``) or, without one, ``saved``
    (``train.epochs`` in ``config.toml``, which a hand may have edited): it may not be fewer than the epochs ``run``'s
    ``checkpoint`` (the payload the resume read, once) holds as finished (its ``epoch`` + 1; not the lines of
    ``metrics.jsonl``, which a kill between an epoch's line and its checkpoint, or a damaged file, leaves more or fewer
    of), as a budget is saved and would stick; as many is a finished run (the resume says so and trains nothing).

    :raises OptionError: ``given`` is fewer (``--epochs 2 is fewer than the 3 epochs RUN has done; give 4 or more to
        train further``).
    :raises ConfigError: ``saved`` is fewer, the same words naming the file and both ways to a larger budget."""
    epoch = checkpoint.get("epoch")
    done = epoch + 1 if isinstance(epoch, int) else None
    budget = saved if given is None else given
    if done is None or budget >= done:
        return
    fewer, more = f"is fewer than the {done} epochs {run.path} has done", done + 1
    if given is not None:
        raise OptionError("epochs", f"{given} {fewer}; give {more} or more to train further")
    said = f"{run.path / CONFIG}: {_EPOCHS_KEY} = {saved} {fewer}; set it to {more} or more there, or give "
    raise ConfigError(f"{said}epochs={more} or more, to train further",
                      command_line=f"{said}--epochs {more} or more, to train further")  # fmt: skip


def edited_settings(
    run: RunDir,
    checkpoint: Mapping[str, Any],
    written: MvaeConfig,
    resolved: MvaeConfig,
    host: PluginHost,
    data: list[str],
) -> tuple[str, str] | None:
    """How ``run``'s ``config.toml`` as it is now differs from the settings its ``checkpoint`` recorded (under
    :data:`~mvae_core.checkpoint.SETTINGS`; the payload :meth:`RunDir.load_checkpoint` read), as a note for the
    resume to give, ``(message, level)``: a warning naming the settings edited that may change
    (:data:`RESUME_WARNED`, and plugin settings marked :data:`~mvae_core.plugins.MAY_CHANGE_ON_RESUME` in ``host``'s
    plugins) and the plugins taken out of ``plugins.enabled`` (:func:`_taken_out`: the resumed epochs run without
    them, and the trainer hands their state in the checkpoint to no plugin), or for a checkpoint that recorded none
    (an older mvae's), that this resume cannot tell; None when nothing changed but the epoch budget. The next
    checkpoint records the settings as edited, so a later resume finds no edit.

    A setting is edited when it differs both as ``written`` in the file and as the installed code ``resolved`` it: one
    that a new version of a model or plugin renamed and converts differs only as resolved, and one that it added
    (which a later checkpoint records with its default while the file lacks it) only as written; neither is an edit.
    The settings of a table that is gone (``[plugins.<name>]`` of a plugin no longer enabled, ``[model.<name>]``
    after ``model.name`` changed) are left to the change that removed it.

    :raises ConfigError: any other setting changed (an edit that would mix two configs in one run without a trace,
        or make the checkpoint's weights not fit): each named with both values as the file has them, and what to do.
    """
    trained = checkpoint.get(SETTINGS)
    if trained is None:
        return (
            f"{run.path / CHECKPOINT} does not record the settings the run trained with (an older mvae wrote it), so "
            f"this resume cannot tell whether {run.path / CONFIG} was edited since; it trains with the file as it is "
            "(its next checkpoint records them)",
            "info",
        )
    trained = dotted_settings(trained)
    as_resolved = _changed_settings(trained, resolved)
    changed = {key: values for key, values in _changed_settings(trained, written).items() if key in as_resolved}
    warned = {key: values for key, values in changed.items() if key in RESUME_WARNED or host.may_change_on_resume(key)}
    removed = _taken_out(*changed.get(ENABLED_KEY, (None, None)))
    allowed = (_EPOCHS_KEY, *warned, *[ENABLED_KEY] * bool(removed))
    if refused := {key: values for key, values in changed.items() if key not in allowed}:
        raise _refuse_edited(run, refused, data)
    if not warned and not removed:
        return None
    why = ["settings of where and how the run computes or watches, not what, so it continues with them"] * bool(warned)
    if removed:
        why.append(_without(run, removed, checkpoint.get("plugins") or {}))
    edits = _changes({key: values for key, values in changed.items() if key != _EPOCHS_KEY})
    return f"{run.path / CONFIG} was edited since the run's last checkpoint ({edits}): {'; '.join(why)}", "warning"


def _taken_out(trained: Any, now: Any) -> list[str]:
    """The plugins that an edit of ``plugins.enabled`` from ``trained`` to ``now`` took out, in ``trained``'s
    order, when that is all it did (``now`` is ``trained`` without them); ``[]`` for any other edit (a plugin added,
    the order changed), which is refused, or none."""
    if not isinstance(trained, list) or not isinstance(now, list) or len(now) >= len(trained):
        return []
    kept = set(now)
    if now != [name for name in trained if name in kept]:
        return []
    return [name for name in trained if name not in kept]


def _without(run: RunDir, removed: list[str], saved: Mapping[str, Any]) -> str:
    """What a resume's warning says of the plugins ``removed`` from ``plugins.enabled``: the resumed epochs run
    without them, and the state those of them in ``saved`` (the checkpoint's plugin states) saved is dropped (the
    trainer hands it to no plugin, and the next checkpoint holds none)."""
    one = len(removed) == 1
    said = f"{noun_for(len(removed), 'plugin')} {', '.join(map(repr, removed))} taken out of {ENABLED_KEY}: the "
    said += f"resumed epochs run without {'it' if one else 'them'}"
    if dropped := [name for name in removed if name in saved]:
        who = ("it" if one else "they") if dropped == removed else ", ".join(map(repr, dropped))
        said += f", and the state {who} saved in {run.path / CHECKPOINT} is dropped"
    return said


def _changed_settings(trained: dict[str, Any], cfg: MvaeConfig) -> dict[str, tuple[Any, Any]]:
    """``{dotted key: (trained with, now)}`` of the ``trained`` settings that ``cfg`` has otherwise, or not at all
    (but those of a table ``cfg`` no longer has: a plugin no longer enabled, another model; that change is named)."""
    now = dotted_settings(settings_record(cfg))
    tables = {key.rsplit(".", depth)[0] for key in now for depth in range(1, key.count(".") + 1)}
    return {
        key: (was, now.get(key))
        for key, was in trained.items()
        if now.get(key) != was and (key in now or key.rpartition(".")[0] in tables)
    }


def _refuse_edited(run: RunDir, refused: dict[str, tuple[Any, Any]], data: list[str]) -> ConfigError:
    """The refusal of a resume whose ``config.toml`` was edited in the ``refused`` settings (``{key: (trained with,
    now)}``): each with both values; the fix, to put the values back; and to train with the new ones, the new run
    on the run's ``data`` that starts from the config with them set (from a copy without those now not set)."""
    config = run.path / CONFIG
    back = [f"{key} = {toml_literal(was)}" for key, (was, _) in refused.items() if was is not None]
    remove = [key for key, (was, _) in refused.items() if was is None]
    fix = [f"put back {', '.join(back)}"] if back else []
    fix += [f"remove {', '.join(remove)}"] if remove else []
    new = {key: now for key, (_, now) in refused.items() if now is not None}
    unset = [key for key, (_, now) in refused.items() if now is None]
    source = f"a copy of it without {', '.join(unset)} ({_NEW_CONFIG})" if unset else "it"
    given = _NEW_CONFIG if unset else str(config)
    weights = _weights_fit(refused)
    said = (
        f"{config} was edited since the run's last checkpoint ({_changes(refused)}); a resume continues the run with "
        f"the settings it trained with (only {_EPOCHS_KEY}, the data's place, where and how it computes and plugin "
        f"settings marked so may change, and plugins may be taken out of {ENABLED_KEY}: docs/cli.md#resume): "
        f"{' and '.join(fix)} in "
        f"{config}; to train with the new value{'s' * (len(refused) > 1)}, start a new run from {source}"
        f"{_TRAINED_WEIGHTS * weights}: "
    )
    init_from = f", init_from={str(run.path)!r}" * weights
    python = f"mvae_core.train(data={data!r}, config={given!r}, overrides={new!r}{init_from}, out=NEW_RUN)"
    options = "".join(f" --set {shlex.quote(f'{key}={toml_literal(value)}')}" for key, value in new.items())
    options += f" --init-from {run.shell_path}" * weights
    command = f"mvae train {' '.join(map(shlex.quote, data))} --config {shlex.quote(given)}{options} --out NEW_RUN"
    return ConfigError(said + python, command_line=said + command)


def _weights_fit(keys: Iterable[str]) -> bool:
    """Whether a run's trained weights go on into a new run that changes the settings ``keys``: not when one is the
    model's (its shapes) or the data's that the weights take with them (the rows' meaning: ``INHERITED_DATA``)."""
    return not any(key.startswith("model.") or key.removeprefix("data.") in INHERITED_DATA for key in keys)


_TRAINED_WEIGHTS = " and the run's trained weights"
"""How the refusal of an edited ``config.toml`` says that the new run it names starts from the run's weights."""


_NEW_CONFIG = "NEW_CONFIG.toml"
"""How the refusal of an edited ``config.toml`` names the copy a new run starts from, when that leaves settings out."""


def _changes(changed: dict[str, tuple[Any, Any]]) -> str:
    """``train.lr 0.001 → 0.01, model.latent_dim 2 → 3``: each setting with the value it trained with and its value
    now (``not set``: none)."""

    def shown(value: Any) -> str:
        return "not set" if value is None else shortened(toml_literal(value), 200)

    return ", ".join(f"{key} {shown(was)} → {shown(now)}" for key, (was, now) in changed.items())


def _epochs_override(overrides: Any) -> str | None:
    """The value ``overrides`` give ``train.epochs`` (``{"train.epochs": 80}`` or ``"train.epochs=80"``), as given;
    None when they give none."""
    if isinstance(overrides, Mapping):
        return str(overrides[_EPOCHS_KEY]) if _EPOCHS_KEY in overrides else None
    pairs = [assignment.partition("=") for assignment in _assignments(overrides)]
    values = [value.strip() for key, _, value in pairs if key.strip() == _EPOCHS_KEY]
    return values[-1] if values else None


def _assignments(overrides: Any) -> list[str]:
    """``overrides`` as ``key=value`` assignments, as ``--set`` takes them: a mapping's values as TOML literals, one
    string as one assignment."""
    if isinstance(overrides, Mapping):
        return [f"{key}={toml_literal(value)}" for key, value in overrides.items()]
    return [overrides] if isinstance(overrides, str) else [str(a) for a in overrides or ()]


def _placeholders(data: list[str]) -> list[str]:
    """``NEW_PLACE`` (numbered when there are several) for each path of ``data``, a corpus as named: the arguments
    of the command a message shows."""
    paths = sum(not d.startswith(CORPUS_PREFIX) for d in data)
    numbers = iter(range(1, paths + 1))
    return [
        d if d.startswith(CORPUS_PREFIX) else "NEW_PLACE" if paths == 1 else f"NEW_PLACE_{next(numbers)}" for d in data
    ]


def _config_source(config: Any) -> Any:
    return dict(config) if isinstance(config, Mapping) else config
