"""Looking at data before training on it (:func:`inspect_data`): ``mvae data inspect`` as a call, the same dry run of
a config and the same reading of the data as a training's, without a run.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mvae_core.config import MvaeConfig, build_config, is_run_record
from mvae_core.data.load import (
    DataReport,
    ParseProgress,
    check_paths,
    data_arguments,
    load_dataset,
    reading_memory,
    reading_stopped,
)
from mvae_core.decode_options import whole_number
from mvae_core.keywords import known_keywords
from mvae_core.report import data_summary
from mvae_core.signals import signal_of


@dataclass(frozen=True)
class DataInspection:
    """What :func:`inspect_data` read: ``summary``, the numbers of ``mvae data inspect``'s table (files used and
    skipped by reason, loops, notes, pitch range, folding, collisions, timing spread, tempo: its ``--json``
    ``"summary"``), and ``report``, the per-file outcomes (:class:`~mvae_core.data.load.DataReport`: ``entries``, its
    ``--json`` ``"files"``; ``cache_warning``, the parse cache's one-line warning or ``None``)."""

    summary: dict[str, Any]
    report: DataReport

    def as_json(self) -> dict[str, Any]:
        """``{"summary": ..., "files": [...]}``: what ``mvae data inspect --json`` prints."""
        return {"summary": self.summary, "files": self.report.entries}


@known_keywords("inspection option")
def inspect_data(
    data: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    *,
    config: str | os.PathLike[str] | Mapping[str, Any] | MvaeConfig | None = None,
    overrides: Mapping[str, Any] | Sequence[str] | str | None = None,
    jobs: int | None = None,
    progress: ParseProgress | None = None,
) -> DataInspection:
    """Read ``data`` as :func:`mvae_core.train` would with ``config`` and ``overrides`` (``mvae data inspect`` as a
    call) and say what it gives, writing nothing but the parse cache.

    The config is checked first as a training checks it (:func:`~mvae_core.run_plugins.checked_config`: the model's
    and the enabled plugins' checks, every plugin's config-time hooks called), a dry run of a config before a long
    parse; not when ``config`` is a run's own ``config.toml`` (:func:`~mvae_core.config.is_run_record`), checked when
    the run trained, whose plugins may be objects or uninstalled since. Only its ``[data]`` settings are read with.

    :param data: MIDI files, folders or ``corpus:essen``, or one of them.
    :param config: a TOML file (a run's ``config.toml`` too), a config tree (dict) or an :class:`MvaeConfig`.
    :param overrides: ``{"data.min_onsets": 4}`` or ``["data.min_onsets=4"]`` (or one such string), over ``config``.
    :param jobs: processes for the first parse of ``data`` (a whole number >= 1; default: the cores this process may
        use).
    :param progress: told of each file parsed now (not read from the parse cache), with the count parsed and the
        count to parse.
    :returns: a :class:`DataInspection` (``summary``, ``report``).
    :raises ConfigError: a bad setting (``PluginError`` for a plugin that fails to start or in its check);
        :class:`~mvae_core.errors.DataError` for a path that does not exist; :class:`~mvae_core.errors.OptionError`
        for a bad ``data`` or ``jobs``; :class:`~mvae_core.errors.ReadingRanOut` when the memory runs out;
        :class:`~mvae_core.errors.RunInterrupted` for Ctrl-C (or a :class:`~mvae_core.signals.Terminated` stop)
        while the data is read, saying what the parse cache keeps.
    """
    paths = data_arguments(data)
    jobs = None if jobs is None else whole_number("jobs", jobs)
    cfg = _config(config, overrides)
    if not (isinstance(config, str | os.PathLike) and is_run_record(Path(config))):
        from mvae_core.run_plugins import checked_config  # torch: the data summary imports it anyway

        checked_config(cfg)
    check_paths(paths)
    try:
        with reading_memory(paths, cfg.data, jobs, training=False):
            table, report = load_dataset(paths, cfg.data, jobs, progress)
    except KeyboardInterrupt as stop:
        raise reading_stopped(signal_of(stop), cfg.data, training=False) from None
    return DataInspection(data_summary(table, report, cfg.data), report)


def _config(config: Any, overrides: Any) -> MvaeConfig:
    """``overrides`` (a mapping, ``key=value`` assignments or one such string) over ``config``."""
    source = dict(config) if isinstance(config, Mapping) else config
    if isinstance(overrides, Mapping):
        return build_config(source, (), dict(overrides))
    return build_config(source, [overrides] if isinstance(overrides, str) else list(overrides or ()))
