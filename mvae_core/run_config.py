"""A run's ``config.toml``: the resolved config and its ``[provenance]`` (versions, DATA, the split's fingerprint,
packages, the weights it started from), written and read back; the runs its provenance names
(:meth:`RunConfig.started_from`, :meth:`RunConfig.bent_from`).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, MutableMapping
from pathlib import Path
from typing import Any, Self

import tomli_w
import tomlkit
from tomlkit.exceptions import TOMLKitError

from mvae_core.config import AUTO_PITCH_LOW, PROVENANCE, ConfigError, MvaeConfig, read_toml, validate_section
from mvae_core.data.corpus import DEFAULT_DATA
from mvae_core.errors import MvaeError
from mvae_core.provenance import DATA_FIX, provenance_problem
from mvae_core.run_files import CONFIG, SPLIT
from mvae_core.run_refusals import RunRefusals

_LEGACY_MODEL = "seed"
"""The architecture of runs whose ``config.toml`` predates ``[model] name``."""


class RunConfig(RunRefusals):
    """The part of :class:`~mvae_core.run.RunDir` that writes and reads ``config.toml``."""

    def write_config(
        self,
        cfg: MvaeConfig,
        versions: dict[str, str],
        data: list[str],
        data_fingerprint: str | None = None,
        packages: Mapping[str, str] | None = None,
        init_from: Mapping[str, Any] | None = None,
        chosen_pitch_low: bool = False,
    ) -> None:
        """The resolved config plus a ``[provenance]`` table: versions of mvae and plugins, the DATA arguments, a
        fingerprint of the train/validation split (checked on resume), ``packages``: the distribution of each
        part from one (``"model.wide_seed" = "mvae-wide-seed"``), what to install where the run is loaded,
        ``init_from``: where the weights it started from came from (:mod:`mvae_core.starting_weights`), and
        ``pitch_low = "auto"`` when the run was given that (``chosen_pitch_low``) and chose the number its
        ``[data]`` holds from its data (every later command, a resume too, reads that number)."""
        tree = _drop_none(cfg.model_dump(mode="json"))
        provenance = {"versions": versions, "packages": dict(packages or {}) or None, "data": data,
                      "data_fingerprint": data_fingerprint, "init_from": init_from,
                      "pitch_low": AUTO_PITCH_LOW if chosen_pitch_low else None}  # fmt: skip
        tree[PROVENANCE] = _drop_none(provenance)
        self._write_tree(tree)

    def rewrite_config(self, cfg: MvaeConfig, data: list[str], data_fingerprint: str | None) -> None:
        """``config.toml`` again with ``cfg``, ``data`` and ``data_fingerprint``, keeping the rest of its
        ``[provenance]`` (the versions that trained the run, its ``resumed`` entries, a bend's record): a resume
        with a new epoch budget or a new place for the data changes the run, not what trained it."""
        kept = {k: v for k, v in self.read_provenance().items() if k not in ("data", "data_fingerprint")}
        tree = _drop_none(cfg.model_dump(mode="json"))
        tree[PROVENANCE] = _drop_none(kept | {"data": data, "data_fingerprint": data_fingerprint})
        self._rewrite_tree(tree)

    def _write_tree(self, tree: dict[str, Any]) -> None:
        text = tomli_w.dumps(tree)
        self._write_text(CONFIG, text)

    def _rewrite_tree(self, tree: dict[str, Any]) -> None:
        """``config.toml`` again as ``tree``, keeping what a hand wrote in it that its values do not hold (comments,
        blank lines, the order and layout of what did not change): each value that changed is set in the file as it
        is (:func:`_set_values`, through tomlkit), the keys ``tree`` lacks are removed, its new ones added. A file
        that does not parse so, or whose result would not read back as ``tree``, is written as a new run's is."""
        try:
            document = tomlkit.parse((self.path / CONFIG).read_text(encoding="utf-8-sig"))
            _set_values(document, tree)
            text = tomlkit.dumps(document)
            if tomllib.loads(text) == tree:
                self._write_text(CONFIG, text)
                return
        except (OSError, ValueError, TOMLKitError):  # ValueError: not UTF-8, or not TOML (tomllib's error)
            pass
        self._write_tree(tree)

    def _read_tree(self) -> dict[str, Any]:
        """``config.toml`` as a table. :class:`ConfigError` when the folder has none, or one that is empty (mvae
        always writes every setting: a disk fault or a hand left it so, and read as defaults it would describe
        another model than the run's)."""
        if self.path.is_dir() and not (self.path / CONFIG).exists():
            raise self.said_both_ways(
                ConfigError, lambda steps: f"{self.path} is not a run: no {CONFIG} there; {self._what_is_here(steps)}"
            )
        tree = read_toml(self.path / CONFIG, "the run's config", written=True)
        if not tree:
            raise ConfigError(
                f"{self.path / CONFIG} is empty (a disk fault or a hand left no setting in it); the run cannot be "
                "read without its settings: restore the file from a backup"
            )
        return tree

    def read_config(self) -> MvaeConfig:
        """The run's resolved config. A run written before the model registry has no ``[model] name``: it was
        trained with the ``seed`` architecture, whatever the default is now. Settings the installed code refuses are
        a :class:`ConfigError` naming the file and said as :meth:`refused_settings` says them."""
        tree = self._read_tree()
        tree.pop(PROVENANCE, None)
        tree.setdefault("model", {}).setdefault("name", _LEGACY_MODEL)
        try:
            return validate_section(MvaeConfig, tree)
        except ConfigError as exc:
            raise ConfigError(f"{self.path / CONFIG}: {self.refused_settings(str(exc), tree['model'])}") from None

    def refused_settings(self, message: str, model: Mapping[str, Any]) -> str:
        """What :meth:`read_config` says of the run's settings that the installed code refuses (``message``; ``model``:
        the config's ``[model]`` table): ``message`` itself here; :class:`~mvae_core.run_versions.RunVersions` adds
        the versions that trained the run where they differ from those installed (a newer mvae's setting)."""
        return message

    def read_provenance(self) -> dict[str, Any]:
        """The run's ``[provenance]`` table (``{}`` in a run written before it was kept).

        :raises ConfigError: naming the field when a hand edit left a part that mvae reads in another shape than it
            writes (``versions`` a table of version strings, ``resumed`` a list of such entries, ``data_fingerprint``
            a string), with the shape to restore.
        """
        provenance = self._read_tree().get(PROVENANCE, {})
        problem = provenance_problem(provenance)
        if problem:
            raise ConfigError(f"{self.path / CONFIG}: {problem}")
        return provenance

    def read_data(self) -> list[str]:
        """The DATA the run trained on (``[provenance] data``; ``corpus:essen`` in a run written before it was kept,
        which has no ``split.json`` either). One path written as a string counts as one path.

        :raises ConfigError: naming the field when it is not a non-empty list of paths, or is missing from a run that
            kept it (a hand edit gone wrong).
        """
        data = self.read_provenance().get("data")
        if data is None and (self.path / SPLIT).exists():  # kept since before split.json: the line was deleted
            raise ConfigError(f"{self.path / CONFIG}: [provenance] has no data: {DATA_FIX}")
        data = DEFAULT_DATA if data is None else data
        data = [data] if isinstance(data, str) else data
        if not isinstance(data, list) or not data or not all(isinstance(d, str) and d for d in data):
            raise ConfigError(f"{self.path / CONFIG}: [provenance] data = {data!r}: must {DATA_FIX}")
        return data

    def started_from(self) -> Self | None:
        """The run whose weights this one started from (``[provenance.init_from]``, :mod:`mvae_core.starting_weights`),
        while its folder holds a run; None for a run that started from random weights, or whose source is gone."""
        try:
            record = self.read_provenance().get("init_from")
        except MvaeError:
            return None
        path = record.get("path") if isinstance(record, dict) else None
        return self._recorded_run(Path(path).parent if isinstance(path, str) else None)

    def lost_start(self) -> str | None:
        """The file of the weights this run started from (``[provenance.init_from] path``) when no run is there any
        more (moved or removed): :meth:`trained_on` cannot follow it then; None otherwise."""
        try:
            record = self.read_provenance().get("init_from")
        except MvaeError:
            return None
        path = record.get("path") if isinstance(record, dict) else None
        return path if isinstance(path, str) and self.started_from() is None else None

    def bent_from(self) -> Self | None:
        """The run this bent copy was copied from (``[provenance.bend] source``, ``mvae bend``), while its folder holds
        a run; None for a run that is no bent copy, or whose source is gone."""
        try:
            record = self.read_provenance().get("bend")
        except MvaeError:
            return None
        source = record.get("source") if isinstance(record, dict) else None
        return self._recorded_run(Path(source) if isinstance(source, str) else None)

    def _recorded_run(self, folder: Path | None) -> Self | None:
        """The run in ``folder`` (named by this run's ``[provenance]``) while it holds one and is not this run."""
        source = type(self)(folder) if folder is not None else None
        return source if source is not None and source.path != self.path and (source.path / CONFIG).is_file() else None


def _set_values(table: MutableMapping[str, Any], tree: Mapping[str, Any]) -> None:
    """``table`` (a tomlkit table of the file) made to hold ``tree``'s values: a value that is the same is left as
    the file writes it, with its comments; a table in both is set key by key."""
    for key in [key for key in table if key not in tree]:
        del table[key]
    for key, value in tree.items():
        there = table.get(key)
        if isinstance(value, dict) and isinstance(there, MutableMapping):
            _set_values(there, value)
        elif there is None or _plain(there) != value:
            table[key] = value


def _plain(item: Any) -> Any:
    """A tomlkit item as the Python value it holds."""
    return item.unwrap() if hasattr(item, "unwrap") else item


def _drop_none(tree: Any) -> Any:
    """TOML has no null: unset optional values are left out (they fall back to their defaults on reload)."""
    if isinstance(tree, dict):
        return {k: _drop_none(v) for k, v in tree.items() if v is not None}
    return tree
