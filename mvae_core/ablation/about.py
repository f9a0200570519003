"""The "about" lines of an ablation's summary: what every run shares besides its configuration
(:func:`settings_line`), and, from each run's ``[provenance]`` (:func:`run_provenances`), the versions that trained
the runs (:func:`versions_line`), what else their numbers depend on (:func:`numerics_line`, :func:`threads_line`) and
the content of the data they trained on (:func:`data_line`, by :func:`data_digest`) and its own numbers, which the
generated columns are read against (:func:`own_numbers_line`)."""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

from mvae_core.ablation.columns import GENERATED
from mvae_core.ablation.out_folder import shown_setting
from mvae_core.ablation.plan import Configuration
from mvae_core.config import AUTO_PITCH_LOW, ConfigError, MvaeConfig, dotted_settings
from mvae_core.data.load import CONTENT_CHARS
from mvae_core.provenance import last_part_versions
from mvae_core.report import TIMING_UNIT
from mvae_core.run import RunDir
from mvae_core.version import THREADS, VERSION


def seed_range(seeds: int) -> str:
    """The ``train.seed`` values of an ablation of ``seeds`` seeds, as its summary says them: ``0``, ``0–2``."""
    return "0" if seeds == 1 else f"0–{seeds - 1}"


def set_per_run(seeds: int, epochs: int | None) -> dict[str, str]:
    """The settings the ablation gives every run itself, over its config (docs/ablation.md, How each run is
    configured): ``train.seed``, each run's seed, and with ``epochs`` given, ``train.epochs``; setting → what each run
    trains with instead, as :func:`settings_line` says it."""
    replaced = {"train.seed": f"its own seed, {seed_range(seeds)}"}
    return replaced | ({"train.epochs": f"{epochs}, as the ablation's epochs"} if epochs is not None else {})


def chosen_per_run(built: list[MvaeConfig]) -> dict[str, str]:
    """``data.pitch_low = "auto"`` in every configuration: each run trains with the rows it chose from its data
    (docs/data.md), the number its ``config.toml`` holds, as :func:`settings_line` says it."""
    if all(cfg.data.pitch_low == AUTO_PITCH_LOW for cfg in built):
        return {"data.pitch_low": "the rows its data chose, the number in its config.toml"}
    return {}


def settings_line(
    arms: list[Configuration], built: list[MvaeConfig], out: Path, replaced: Mapping[str, str] | None = None
) -> str:
    """What every run was trained with besides its configuration's plugins and overrides: the model, and the settings
    its ``configs/<name>.toml`` shares with every other configuration's (``--config`` and the command's ``--set``),
    which the table of configurations does not show. A shared setting of ``replaced`` (:func:`set_per_run`: setting →
    what each run trains with instead) is named apart, with what replaced it: no run trained with that value."""
    replaced = replaced or {}
    flats = [
        dotted_settings(tomllib.loads((out / "configs" / f"{arm.name}.toml").read_text(encoding="utf-8")))
        for arm in arms
    ]
    shared = [
        key
        for key, value in flats[0].items()
        if key != "plugins.enabled" and all(key in flat and flat[key] == value for flat in flats)
    ]
    models = {arm.name: cfg.model.name for arm, cfg in zip(arms, built, strict=True)}
    if len(set(models.values())) == 1:
        model = f"`{next(iter(models.values()))}`"
    else:
        model = "per configuration (" + ", ".join(f"{arm}: `{name}`" for arm, name in models.items()) + ")"
    kept = [f"`{key} = {shown_setting(flats[0], key)}`" for key in shared if key not in replaced]
    overruled = [
        f"`{key} = {shown_setting(flats[0], key)}` (each run trains with {replaced[key]})"
        for key in shared
        if key in replaced
    ]
    settings = ", ".join(kept) if kept else "none (the defaults)"
    instead = f"; given, but replaced by the ablation: {', '.join(overruled)}" if overruled else ""
    return (
        f"Model: {model}. Settings of every run besides its configuration's plugins and overrides: {settings}{instead}; "
        "each configuration's whole config is `configs/<name>.toml`, each run's `runs/<name>/seed-<k>/config.toml`."
    )


def run_provenances(rows: list[dict[str, Any]], out: Path) -> list[dict[str, Any]]:
    """Each run's ``[provenance]`` (its ``config.toml``), read once for the summary's lines; ``{}`` for a run whose
    config cannot be read (one that failed before it wrote it)."""
    provenances = []
    for row in rows:
        try:
            provenances.append(RunDir(out / row["run"]).read_provenance())
        except (ConfigError, OSError, ValueError):
            provenances.append({})
    return provenances


def versions_line(provenances: list[dict[str, Any]]) -> str:
    """Which versions of mvae, and of each plugin or model from a package, trained the runs (the last part of each,
    from its ``provenances``), so a summary rewritten by a newer mvae, or after a package was upgraded between two
    commands that add runs, still says what produced its numbers."""
    trained: dict[str, dict[str, int]] = {}
    for provenance in provenances:
        versions = last_part_versions(provenance)
        named = {"mvae": "mvae"} | {
            name: f"{name} ({package})" for name, package in provenance.get("packages", {}).items()
        }
        for name, label in named.items():
            version = versions.get(name, "unknown")
            trained.setdefault(label, {})[version] = trained.get(label, {}).get(version, 0) + 1
    listed = "; ".join(
        f"{label} " + ", ".join(f"{version} ({n} run{'s' * (n != 1)})" for version, n in counts.items())
        for label, counts in trained.items()
    )
    return f"Trained by {listed}; summarised by mvae {VERSION}."


def numerics_line(provenances: list[dict[str, Any]]) -> str | None:
    """What else a run's numbers depend on, as each run's ``[provenance.versions]`` (its last part) records it:
    torch's version, the device and the commit of mvae's checkout, each value with how many runs had it (``None``
    when no run recorded any: a summary of runs from before they were kept)."""
    counted: dict[str, dict[str, int]] = {}
    for provenance in provenances:
        versions = last_part_versions(provenance)
        for key, label in NUMERICS_SHOWN.items():
            if key in versions:
                counted.setdefault(label, {})[versions[key]] = counted.get(label, {}).get(versions[key], 0) + 1
    if not counted:
        return None
    listed = "; ".join(
        f"{label} " + ", ".join(f"{value} ({n} run{'s' * (n != 1)})" for value, n in values.items())
        for label, values in counted.items()
    )
    return f"Computed with {listed}."


NUMERICS_SHOWN = {"torch": "torch", "torch.device": "device", "mvae.commit": "mvae commit"}
"""The keys of :data:`~mvae_core.version.NUMERICS` that summary.md's "Computed with" line names (→ their label); the
thread count has its own line, where the runs' counts differ (:func:`threads_line`)."""


def data_digest(run: Path) -> str | None:
    """The content of the data a run trained and validated on, names aside: the first 16 hexadecimal digits of the
    SHA-256 of the sorted content digests its ``split.json`` records (one line each, ``\\n``-joined); the same files
    in another folder give the same digest. ``None`` when the run kept none (or no ``split.json``)."""
    content = RunDir(run).recorded_content()
    if not content:
        return None
    return hashlib.sha256("\n".join(sorted(map(str, content.values()))).encode()).hexdigest()[:CONTENT_CHARS]


def data_line(rows: list[dict[str, Any]], out: Path, sections: Mapping[str, str] | None = None) -> str:
    """Which data the runs trained on, by content (:func:`data_digest`), so that a result can be matched with the
    files that gave it: one digest for every run, or each with its runs; runs that recorded none (one that failed
    before it read the data, or trained before split.json kept digests) are counted apart. ``sections``: each
    configuration's ``[data]`` section (its JSON): runs of one section on other contents had their files edited,
    added or removed between commands; configurations of other sections may have kept or dropped files
    (``data.min_onsets`` keeps a sparse file or not), and then each digest names its configurations."""
    digests: dict[str, int] = {}
    configs: dict[str, list[str]] = {}  # digest → the configurations of its runs
    by_section: dict[str, set[str]] = {}  # [data] section → the digests of its runs
    for row in rows:
        if (digest := data_digest(out / row["run"])) is not None:
            digests[digest] = digests.get(digest, 0) + 1
            config = row.get("config", "")
            configs.setdefault(digest, []).append(config)
            by_section.setdefault((sections or {}).get(config, ""), set()).add(digest)
    unknown = len(rows) - sum(digests.values())
    none = f"; {unknown} run{'s' * (unknown != 1)} recorded none" if unknown else ""
    if not digests:
        return "Data content digest: none recorded (docs/ablation.md#summarymd)."
    if len(digests) == 1:
        return (
            f"Data content digest {next(iter(digests))} in every run that recorded one (of the files each run's "
            f"split.json names{none}: docs/ablation.md#summarymd)."
        )
    if all(len(found) == 1 for found in by_section.values()):  # each [data] section one digest: its own files
        listed = "; ".join(
            f"{digest} ({', '.join(dict.fromkeys(configs[digest]))}: {n} run{'s' * (n != 1)})"
            for digest, n in digests.items()
        )
        return (
            f"Data content digests: {listed}{none}: configurations with other [data] settings kept or dropped other "
            "files (a sparse file by data.min_onsets, …), or the files changed between their commands "
            "(docs/ablation.md#summarymd)."
        )
    listed = "; ".join(f"{digest} ({n} run{'s' * (n != 1)})" for digest, n in digests.items())
    return (
        f"Data content digests: {listed}{none}: the runs did not all train on the same files (edited, added or "
        "removed between commands: docs/ablation.md#summarymd)."
    )


def validation_line(rows: list[dict[str, Any]]) -> str | None:
    """Which seeds validated on the same loops, by the digest each row keeps of its validation loops
    (``validation_loops``): the split is drawn by ``train.seed``, and on a few files two seeds can hold out the same
    ones. Seeds whose runs share a digest (in any configuration) share a validation set, so the intervals over seeds
    then cover fewer splits than seeds. ``None`` where every seed has a set of its own, or no row recorded a digest
    (runs that failed)."""
    seeds_of: dict[str, set[int]] = {}
    for row in rows:
        if (digest := row.get("validation_loops")) is not None:
            seeds_of.setdefault(digest, set()).add(row["seed"])
    groups: list[set[int]] = []  # seeds joined by a digest they share, in a configuration or across them
    for seeds in seeds_of.values():
        joined = seeds.union(*(group for group in groups if group & seeds))
        groups = [group for group in groups if not group & seeds] + [joined]
    shared = sorted(sorted(group) for group in groups if len(group) > 1)
    if not shared:
        return None
    said = "; ".join(f"seeds {', '.join(map(str, group[:-1]))} and {group[-1]} share one" for group in shared)
    return (
        f"Validation sets: {len(groups)} distinct among {sum(map(len, groups))} seeds ({said}): the intervals over "
        "seeds then cover fewer splits of the data than seeds, so those of the numbers the split moves (best "
        "val_elbo, the gaps closed) can be narrower than other splits would give (docs/ablation.md#summarymd)."
    )


class OwnNumbers(NamedTuple):
    """The data's own numbers that the generated columns are read against, as ``mvae data inspect`` reports them over
    every loop a ``[data]`` section reads: the timeshift std (half-steps of the 16th grid), the share of notes within
    ±0.05 and the notes per loop."""

    timeshift_std: float
    within_0_05: float
    notes_per_loop: float

    @classmethod
    def of(cls, summary: Mapping[str, Any]) -> OwnNumbers:
        """From :func:`mvae_core.report.data_summary`'s numbers."""
        return cls(summary["timeshift_std"], summary["within_0.05"], summary["notes_per_loop"])

    def targets(self) -> dict[str, float]:
        """Each generated column's target (:data:`~mvae_core.ablation.columns.GENERATED`): a row's ``data_own``, which
        its paired differences are decided by (closest to the data's own is best)."""
        return {column: getattr(self, field) for column, field in GENERATED.items()}


def _grouped(sections: Mapping[str, str], numbers: Mapping[str, OwnNumbers]) -> dict[OwnNumbers, list[str]]:
    """The configurations of each :class:`OwnNumbers` (``sections``: configuration → its ``[data]`` section's JSON,
    the key of ``numbers``)."""
    grouped: dict[OwnNumbers, list[str]] = {}
    for config, section in sections.items():
        grouped.setdefault(numbers[section], []).append(config)
    return grouped


def own_numbers(sections: Mapping[str, str], numbers: Mapping[str, OwnNumbers]) -> list[dict[str, Any]]:
    """summary.json's ``data_own``: each :class:`OwnNumbers` of the data with the configurations whose ``[data]``
    settings read it."""
    return [{"configurations": configs} | n._asdict() for n, configs in _grouped(sections, numbers).items()]


def own_numbers_line(sections: Mapping[str, str], numbers: Mapping[str, OwnNumbers]) -> str:
    """summary.md's line of the data's own numbers, which the generated columns are read against (closest to them is
    best): one for every configuration, or each with the configurations whose ``[data]`` settings read it."""
    grouped = _grouped(sections, numbers)

    def said(n: OwnNumbers) -> str:
        return (
            f"timeshift std {n.timeshift_std:.3f} {TIMING_UNIT}, {n.within_0_05:.1%} of notes within ±0.05, "
            f"{n.notes_per_loop:.1f} notes per loop"
        )

    if len(grouped) == 1:
        shown = said(next(iter(grouped)))
    else:
        shown = "; ".join(f"{', '.join(configs)}: {said(n)}" for n, configs in grouped.items())
    return (
        "The data's own numbers, which the gen. columns are read against (as `mvae data inspect DATA` prints them, "
        f"over every loop): {shown}."
    )


def threads_line(provenances: list[dict[str, Any]]) -> str | None:
    """The torch thread counts the runs trained with (from their ``provenances``), each run's counts in the order it
    used them (``1 → 2``: resumed under another ``--jobs`` or ``--cpus-per-run``), with how many runs (a run that
    records none, one that failed before it started, is left out); ``None`` when every run used one and the same count
    throughout (the thread count changes the last digits of a run's numbers)."""
    used: dict[str, int] = {}
    for provenance in provenances:
        counts = [provenance.get("versions", {}).get(THREADS)]
        counts += [
            entry["versions"][THREADS] for entry in provenance.get("resumed", []) if THREADS in entry["versions"]
        ]
        if label := " → ".join(str(c) for c in counts if c is not None):  # none recorded: a run that never started
            used[label] = used.get(label, 0) + 1
    if len(used) <= 1 and not any("→" in label for label in used):
        return None
    listed = ", ".join(f"{label} ({n} run{'s' * (n != 1)})" for label, n in used.items())
    return (
        f"Torch threads: {listed}. A run's last digits depend on them, and `a → b` is a run resumed with another "
        "count (another --jobs or --cpus-per-run): docs/ablation.md#workers-threads-and-the-parse-cache."
    )
