"""The ``[provenance]`` table of a run's ``config.toml`` as mvae reads it back: the shape it must have
(:func:`provenance_problem`; :data:`DATA_FIX` says how to restore its ``data``), the versions that trained a run's
last part (:func:`last_part_versions`), and how a message names a part and the version of its distribution installed
here (:func:`part_name`, :func:`distribution_version`).
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Mapping
from typing import Any

from mvae_core.config import PROVENANCE
from mvae_core.models import VERSION_KEY_PREFIX


def last_part_versions(provenance: Mapping[str, Any]) -> dict[str, str]:
    """The versions that trained a run's last part, from its ``[provenance]``: ``versions`` with each ``resumed``
    entry's over it (:meth:`~mvae_core.run.RunDir.trained_versions`)."""
    versions = dict(provenance.get("versions", {}))
    for entry in provenance.get("resumed", []):
        versions |= entry.get("versions", {})
    return versions


DATA_FIX = 'list the paths the run trained on, e.g. data = ["/home/me/midi/solos"]'
"""How a refusal of a ``[provenance] data`` that is missing or of another shape says to fix it."""


def provenance_problem(provenance: Any) -> str | None:
    """What is wrong with a ``[provenance]`` table read back from ``config.toml`` (None: nothing mvae reads)."""
    example = 'e.g. mvae = "0.1.0"'
    if not isinstance(provenance, dict):
        return f"{PROVENANCE} = {provenance!r}: must be the [{PROVENANCE}] table mvae wrote; restore it from a backup"
    if not _version_table(provenance.get("versions", {})):
        return f"[{PROVENANCE}.versions] must map each part to its version string ({example}); restore it as written"
    if not _version_table(provenance.get("packages", {})):
        return (
            f'[{PROVENANCE}.packages] must map each part to the package it came from (e.g. "model.wide_seed" = '
            '"mvae-wide-seed"); restore it as written'
        )
    resumed = provenance.get("resumed", [])
    if not isinstance(resumed, list):
        return f"[{PROVENANCE}] resumed must be a list of [[{PROVENANCE}.resumed]] tables; restore it as written"
    for number, entry in enumerate(resumed, 1):
        if not (
            isinstance(entry, dict)
            and isinstance(entry.get("from_epoch"), int)
            and not isinstance(entry.get("from_epoch"), bool)
            and _version_table(entry.get("versions"))
        ):
            return (
                f"[[{PROVENANCE}.resumed]] entry {number} must hold from_epoch (the epoch, counted from 1) and a "
                f"versions table ({example}); restore it as written"
            )
    fingerprint = provenance.get("data_fingerprint", "")
    if not isinstance(fingerprint, str):
        return (
            f"[{PROVENANCE}] data_fingerprint = {fingerprint!r}: must be the string mvae wrote; restore it as written"
        )
    return None


def _version_table(table: Any) -> bool:
    return isinstance(table, dict) and all(isinstance(v, str) for v in table.values())


def distribution_version(package: str) -> str | None:
    """The installed version of the distribution ``package``; None when it is not installed."""
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


def part_name(name: str) -> str:
    """How a message names a key of ``[provenance.versions]``: ``mvae``, ``model 'x'`` (``model.x``), ``plugin 'r'``."""
    if name == "mvae":
        return name
    return (
        f"model {name.removeprefix(VERSION_KEY_PREFIX)!r}"
        if name.startswith(VERSION_KEY_PREFIX)
        else f"plugin {name!r}"
    )
