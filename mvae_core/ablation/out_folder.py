"""What an ablation's folder (``out``) already holds, checked against the plan before anything trains: the
configurations' configs (validated, and refused where an earlier plan wrote another ``configs/<name>.toml``:
:func:`built_configs`; a folder that holds files of the names an ablation writes but is no ablation's is refused too:
:func:`refuse_other_files`), the data, its contents and the starting weights of the runs there
(:func:`check_same_data`, :func:`check_same_content`, :func:`check_same_start`; each refusal one
:class:`~mvae_core.ablation.plan.PlanError` naming the runs), runs whose data moved pointed at its new place
(:func:`relocate_moved`), and the runs there that the plan leaves out (:func:`outside_plan`)."""

from __future__ import annotations

import json
import os
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mvae_core.ablation.arguments import Report
from mvae_core.ablation.plan import Configuration, PlanError
from mvae_core.config import ConfigError, MvaeConfig, build_config, config_tree, dotted_settings
from mvae_core.data.corpus import CORPUS_PREFIX
from mvae_core.errors import DataError
from mvae_core.progress import Advice
from mvae_core.run import RunDir
from mvae_core.starting_weights import StartingWeights
from mvae_core.wording import counted, listed


def built_configs(
    arms: list[Configuration],
    base: Path | dict[str, Any] | None,
    overrides: list[str],
    out: Path,
    starting: StartingWeights | None = None,
    epochs: int | None = None,
) -> tuple[list[MvaeConfig], dict[Path, str]]:
    """Validate every configuration (config keys, plugin names and sections, the model and its settings, the
    model's and every enabled plugin's check of the whole config as its runs train it, for ``epochs`` when given:
    :func:`~mvae_core.run_plugins.checked_config`, and that the ``starting`` weights fit it, with their model
    settings as defaults, as ``mvae train --init-from`` resolves them) and return
    the configs with the text of each ``out/configs/<name>.toml`` (written once nothing else can fail). A file already
    there whose config differs (an earlier, different plan) is refused: one :class:`PlanError` naming every
    configuration that differs and how; so is a folder that holds what an ablation writes but is no earlier
    ablation's (:func:`refuse_other_files`)."""
    import tomli_w

    from mvae_core.plugins import PluginError
    from mvae_core.run_plugins import checked_config

    built, files = [], {}
    base_tree: dict[str, Any] = {}
    if base is not None:
        build_config(base)  # unreadable or invalid: an error naming the file or the field
        base_tree = config_tree(base) if isinstance(base, Path) else base
    inherited = starting.defaults() if starting else None
    for arm in arms:
        try:
            flags = {"plugins.enabled": list(arm.plugins)}
            built.append(build_config(base, [*overrides, *arm.overrides], flags, inherited))
            runs = flags if epochs is None else {**flags, "train.epochs": epochs}  # --epochs is each run's flag
            checked_config(build_config(base, [*overrides, *arm.overrides], runs, inherited))  # before any run
            if starting:
                starting.check(starting.kept_rows(built[-1])[0])  # "auto" takes the weights' rows, as train() does
            files[out / "configs" / f"{arm.name}.toml"] = tomli_w.dumps(arm.tree(base_tree, overrides))
        except (ConfigError, PluginError) as exc:
            raise type(exc)(
                f"configuration {arm.name!r}: {exc}",
                command_line=f"configuration {arm.name!r}: {exc.command_line_message()}",
            ) from None
    refuse_other_files(out)
    changes: dict[str, list[str]] = {}  # how a configuration differs → the configurations that differ so
    for arm, (path, text) in zip(arms, files.items(), strict=True):
        if path.exists() and (change := _change(path.read_text(encoding="utf-8"), text)):
            changes.setdefault(change, []).append(repr(arm.name))
    if changes:
        listed = "; ".join(f"{', '.join(names)}: {change}" for change, names in changes.items())
        raise PlanError(
            f"{out} holds an earlier ablation whose configurations differ from this plan ({listed}); choose another "
            f"output folder, or, to redo those configurations, delete their runs/<name> and configs/<name>.toml in {out}"
        )
    return built, files


ABLATION_WRITES = ("summary.csv", "summary.md", "summary.json", "ablation.png", "configs", "runs", "logs", "generated")
"""What an ablation writes in its folder: the summaries and the figure (:mod:`~mvae_core.ablation.session`), and the
folders of the configurations' configs, the runs, their logs (:mod:`~mvae_core.ablation.runner`) and the runs'
generated notes (:mod:`~mvae_core.ablation.generated_store`)."""


def refuse_other_files(out: Path) -> None:
    """A :class:`PlanError` when ``out`` holds what an ablation writes (:data:`ABLATION_WRITES`) but is no earlier
    ablation's (it wrote ``configs/<name>.toml`` before anything else, and ``runs/<name>/seed-<n>``): the summaries
    would replace a user's files of those names, and the runs would go among another folder's (``runs/`` of
    ``mvae train``'s default folders)."""
    if any((out / "configs").glob("*.toml")) or any((out / "runs").glob("*/seed-*")):
        return
    there = [name for name in ABLATION_WRITES if os.path.lexists(out / name)]
    if there:
        them = "it" if len(there) == 1 else "them"
        raise PlanError(
            f"{out} holds {', '.join(there)}, which an ablation there would write over or into, and it is no earlier "
            f"ablation's (no configs/<name>.toml): nothing was written; choose another output folder (a new one), or "
            f"move {them} out of {out}"
        )


def check_same_data(arms: list[Configuration], data: list[str], out: Path) -> list[Path]:
    """The runs already in ``out`` of the planned configurations trained on ``data`` (their ``[provenance] data``,
    absolute paths as ``mvae train`` keeps them): finished ones would be skipped and unfinished ones resumed on their
    own data, so a summary under this command's DATA would mix data sets. Else one :class:`PlanError` naming them.
    Returns the runs whose data is gone from where they have it (each path missing, as many as DATA): moved, to be
    pointed at DATA (:func:`relocate_moved`), which checks that it gives their split."""
    from mvae_core.data.load import absolute_data

    wanted = absolute_data(data)
    others: dict[str, list[str]] = {}  # the other data → the runs trained on it
    moved: list[Path] = []
    missing: set[str] = set()  # paths of that other data that are gone (moved in part, or given in another order)
    for arm in arms:
        for path in sorted((out / "runs" / arm.name).glob("seed-*")):
            try:
                trained_on = RunDir(path).read_data() if RunDir(path).exists() else wanted
            except ConfigError:
                continue  # an unreadable config: its resume reports it
            if trained_on != wanted and _gone(trained_on, len(wanted)):
                moved.append(path)
            elif trained_on != wanted:
                others.setdefault(" ".join(trained_on), []).append(str(path.relative_to(out)))
                missing |= {d for d in trained_on if not d.startswith(CORPUS_PREFIX) and not os.path.lexists(d)}
    if others:
        listed = "; ".join(f"{', '.join(runs)} on {trained_on}" for trained_on, runs in others.items())
        moved_hint = (f" ({', '.join(sorted(missing))} is gone: if it moved, give the new place of each of "
                      "those runs' DATA paths, in their order)" if missing else "")  # fmt: skip
        raise PlanError(
            f"{out} holds runs trained on other data than {' '.join(wanted)} ({listed}); give the same DATA to "
            f"continue that ablation{moved_hint}, or choose another output folder"
        )
    return moved


def check_same_content(
    arms: list[Configuration], built: list[MvaeConfig], contents: dict[str, dict[str, str]], data: list[str], out: Path
) -> None:
    """Called when the plan trains runs: the runs already in ``out`` of the planned configurations trained on the
    sources DATA gives now, with the same file contents (``split.json``'s names and digests against ``contents``,
    :func:`~mvae_core.ablation.session._warm_cache`'s, by ``[data]`` section): the same paths edited in place, or a
    folder with files added or removed, would train new seeds on other music than the finished runs that are
    skipped, under one summary. Else one :class:`PlanError` naming the runs and the files. Runs without
    ``split.json`` (trained before it was kept) are not compared, and files are compared by name only for runs that
    kept no digests in it."""
    from mvae_core.data.load import absolute_data

    changed: dict[str, list[str]] = {}  # what changed → the runs it concerns
    for arm, cfg in zip(arms, built, strict=True):
        read = contents[cfg.data.model_dump_json()]  # by the names DATA gives, which a run keeps absolute
        content = dict(zip(absolute_data(list(read)), read.values(), strict=True))
        for path in sorted((out / "runs" / arm.name).glob("seed-*")):
            run = RunDir(path)
            split = run.read_split() if run.exists() else None
            if split is None:
                continue
            names = set(split["train"]) | set(split["validation"])
            parts = [
                (what, found)
                for what, found in (
                    ("edited", run.edited_sources({n: d for n, d in content.items() if n in names})),
                    ("new", sorted(set(content) - names)),
                    ("gone", sorted(names - set(content))),
                )
                if found
            ]
            if parts:
                key = ", ".join(f"{len(found)} {what} ({listed(found)})" for what, found in parts)
                changed.setdefault(key, []).append(str(path.relative_to(out)))
    if changed:
        said = "; ".join(f"{', '.join(runs)}: {what}" for what, runs in changed.items())
        raise PlanError(
            f"{out} holds runs trained on other contents of {' '.join(data)} than it has now ({said}); the runs "
            "to train would learn other music than these under one summary: restore the files to continue that "
            "ablation, or choose another output folder"
        )


def check_same_start(arms: list[Configuration], out: Path, starting: StartingWeights | None) -> None:
    """The runs already in ``out`` of the planned configurations started from the ``starting`` weights (their
    ``[provenance.init_from] weights_sha256``), or, without them, from their own: else one :class:`PlanError` naming
    them, as a summary would compare runs fine-tuned from other weights, or not fine-tuned."""
    wanted = starting.digest if starting else None
    others: list[str] = []
    for arm in arms:
        for path in sorted((out / "runs" / arm.name).glob("seed-*")):
            run = RunDir(path)
            try:
                record = run.read_provenance().get("init_from") if run.exists() else None
            except ConfigError:
                continue  # an unreadable config: its resume reports it
            started = record.get("weights_sha256") if isinstance(record, dict) else None
            if started != wanted:
                others.append(str(path.relative_to(out)))
    if others:
        now = f"the weights of {starting.file}" if starting else "their own random weights (no init_from)"
        raise PlanError(
            f"{out} holds runs that started from other weights than {now} ({', '.join(others)}); give the same "
            "init_from to continue that ablation, or choose another output folder"
        )


def _gone(trained_on: list[str], arguments: int) -> bool:
    """A run's DATA moved away: as many arguments as given now, and none of its paths is there any more."""
    paths = [d for d in trained_on if not d.startswith(CORPUS_PREFIX)]
    return len(trained_on) == arguments and bool(paths) and not any(os.path.lexists(d) for d in paths)


def relocate_moved(runs: list[Path], data: list[str], out: Path, report: Report) -> None:
    """Point each run whose data moved at ``data`` (:func:`mvae_core.run_data.relocate`); a run whose split the data
    does not give is a :class:`PlanError` naming it."""
    from mvae_core.run_data import relocate

    for path in runs:
        try:
            relocate(path, data, jobs=1)
        except DataError as exc:
            raise PlanError(f"{path.relative_to(out)}: its data moved, and {exc}") from None
    if runs:
        report(f"data moved: {counted(len(runs), 'run')} now read {' '.join(data)}")


def _change(old: str, new: str) -> str:
    """How the config ``new`` differs from ``old`` (TOML texts): ``train.lr unset → 0.0005, …``; ``""`` for none."""
    try:
        before = dotted_settings(tomllib.loads(old))
    except tomllib.TOMLDecodeError:
        return "the file there is not valid TOML"
    after = dotted_settings(tomllib.loads(new))
    keys = [*before, *(key for key in after if key not in before)]
    return ", ".join(
        f"{key} {shown_setting(before, key)} → {shown_setting(after, key)}"
        for key in keys
        if before.get(key) != after.get(key)
    )


def shown_setting(flat: dict[str, Any], key: str) -> str:
    """The value of ``key`` in ``flat`` (:func:`~mvae_core.config.dotted_settings`) as a message shows it: JSON, or
    ``unset``."""
    return json.dumps(flat[key], ensure_ascii=False) if key in flat else "unset"


def outside_plan(arms: list[Configuration], seeds: int, out: Path) -> Advice | str:
    """A note naming the runs in ``out/runs`` that this plan does not summarise (seeds at or above ``seeds``, or
    configurations it does not have, from an earlier command), with how to include them, said as the argument
    (``seeds=N``) and on the command line (``--seeds N``); ``""`` when there are none. They are kept, but a summary
    rewritten without them would otherwise drop their rows without a word."""
    planned = {arm.name for arm in arms}
    found = [(p.parent, p.parent.name.removeprefix("seed-")) for p in (out / "runs").glob("*/seed-*/config.toml")]
    seed_of = {path: int(seed) for path, seed in found if seed.isdigit()}  # runs/<name>/seed-<k>, as ablate names them
    outside = sorted(
        (path for path, seed in seed_of.items() if path.parent.name not in planned or seed >= seeds),
        key=lambda path: (path.parent.name, seed_of[path]),
    )
    if not outside:
        return ""
    names = [str(path.relative_to(out)) for path in outside]
    shown = listed(names)
    mine = [seed_of[path] for path in outside if path.parent.name in planned]
    other = sorted({p.parent.name for p in outside} - planned)

    def note(seeds_given: Callable[[int], str]) -> str:
        hints = [seeds_given(max(mine) + 1)] if mine else []  # not another plan's seeds: those would train new runs
        hints += [f"the plan that has {', '.join(other)}"] if other else []
        return (
            f"not summarised: {counted(len(names), 'run')} in {out} outside this plan ({shown}); they are kept, give "
            f"{' and '.join(hints)} to summarise them with the others"
        )

    return Advice(note(lambda n: f"seeds={n}"), note(lambda n: f"--seeds {n}"))
