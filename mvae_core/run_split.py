"""A run's ``split.json`` (its train and validation sources and their files' content digests) and
``data_report.json``, and what they answer: edited sources, a split's changes
(:class:`~mvae_core.split_changes.SplitChanges`), which given files the run trained on.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from typing import Any

from mvae_core.data.load import MUSIC_DIGESTS
from mvae_core.files import finite, reason
from mvae_core.run_config import RunConfig
from mvae_core.run_files import DATA_REPORT, SPLIT, read_run_json
from mvae_core.split_changes import SplitChanges, edited_names, tunes_read_again


class RunSplit(RunConfig):
    """The part of :class:`~mvae_core.run.RunDir` that writes and reads the run's data files."""

    def write_data_report(self, report: dict[str, Any]) -> None:
        """``data_report.json``: what the data's loader reported of every source (:meth:`DataReport.to_json`)."""
        text = json.dumps(finite(report), indent=1)
        self._write_text(DATA_REPORT, text)

    def data_tempo(self) -> dict[str, Any] | None:
        """The tempo of the loops the run was trained on, as ``data_report.json`` keeps it
        (:func:`~mvae_core.data.tempo.tempo_summary`); None for a run written before reports kept it, or a report
        that cannot be read as that."""
        try:
            tempo = read_run_json(self.path / DATA_REPORT).get("tempo")
        except (OSError, ValueError, AttributeError):
            return None
        return tempo if isinstance(tempo, dict) else None

    def write_split(self, train_sources: list[str], validation_sources: list[str], content: Mapping[str, str]) -> None:
        """``split.json``: which sources the run trains on and which it validates on (sorted names), and the content
        digest of each one's file (``content``, by source name, as :meth:`DataReport.content` gives it)."""
        sides = {"train": sorted(train_sources), "validation": sorted(validation_sources)}
        named = sorted(name for names in sides.values() for name in names if name in content)
        text = json.dumps(sides | {"content": {name: content[name] for name in named}}, indent=1)
        self._write_text(SPLIT, text)

    def read_split(self) -> dict[str, list[str]] | None:
        """``split.json``: ``{"train": [...], "validation": [...]}`` source names; None when the run has none (one
        written before it was kept) or it cannot be read as that."""
        try:
            saved = self._split_file()
            return {side: [str(name) for name in saved[side]] for side in ("train", "validation")}
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def edited_sources(self, content: Mapping[str, str]) -> list[str]:
        """The sources whose file content differs from what ``split.json`` recorded (``content``: digests by the
        names the run saved); none when it recorded none (a run written before it did)."""
        return edited_names(self.recorded_content(), content)

    def trained_on(
        self, content: Mapping[str, str], music: Mapping[str, Collection[str]] | None = None, depth: int = 8
    ) -> list[str] | None:
        """The sources among ``content`` (file digests by source name, as :meth:`DataReport.content` gives them)
        whose file the run trained on: the same content as one of ``split.json``'s train sources, wherever it lies
        now, or, given ``music`` (:meth:`DataReport.music`), the same notes as one, transposed or not (a copy in
        other bytes: re-saved, merged, at another tempo), by the music digests of ``data_report.json``; for a run
        started from another's weights (:meth:`started_from`), those that run trained on too, while it is there
        (``depth``: how many such runs back are followed); for a bent copy (``mvae bend``, which trained nothing and
        keeps no ``split.json``), those the run it was copied from trained on (:meth:`bent_from`). None when the run
        cannot tell (it recorded no digests)."""
        own = self._trained_here(content, music)
        if depth <= 0:
            return own
        if own is None and (copied := self.bent_from()) is not None:
            return copied.trained_on(content, music, depth - 1)
        source = self.started_from()
        if own is None or source is None:
            return own
        return sorted(set(own) | set(source.trained_on(content, music, depth - 1) or ()))

    def _trained_here(
        self, content: Mapping[str, str], music: Mapping[str, Collection[str]] | None
    ) -> list[str] | None:
        """:meth:`trained_on` by this run's own ``split.json`` and ``data_report.json``."""
        try:
            saved = self._split_file()
            train = set(saved["train"])
            trained = {saved["content"][name] for name in train if name in saved["content"]}
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if not trained:
            return None
        notes = self._train_music(train) if music else set()
        return sorted(
            name for name, digest in content.items() if digest in trained or notes & set((music or {}).get(name, ()))
        )

    def _train_music(self, train: set[str]) -> set[str]:
        """The music digests (:data:`MUSIC_DIGESTS`) ``data_report.json`` keeps of the ``train`` sources (none for a
        run written before reports kept them, or an unreadable report)."""
        try:
            files = read_run_json(self.path / DATA_REPORT)["files"]
            return {entry[k] for entry in files if entry.get("source") in train for k in MUSIC_DIGESTS if k in entry}
        except (OSError, ValueError, KeyError, TypeError):
            return set()

    def split_damaged(self) -> str | None:
        """Why ``split.json`` does not read as mvae writes it (not JSON, cut, its sides or digests of another shape,
        or gone from a run that wrote one: its ``data_report.json`` records the files' content digests, which mvae
        began to record after ``split.json``); None when it does, or when the run has none (one written before it was
        kept)."""
        if not (self.path / SPLIT).exists():
            if any("content" in entry for entry in self._report_files() or () if isinstance(entry, dict)):
                return f"it is gone, though the run wrote one: its {DATA_REPORT} records the files' digests"
            return None
        try:
            saved = self._split_file()
        except (OSError, ValueError) as exc:
            return reason(exc)
        sides = isinstance(saved, dict) and all(isinstance(saved.get(side), list) for side in ("train", "validation"))
        if not sides or not isinstance(saved.get("content", {}), dict):
            return "not the train and validation lists and content digests mvae writes"
        return None

    def data_report_damaged(self) -> bool:
        """``data_report.json`` does not read as mvae writes it (a JSON object with its ``files`` list)."""
        return self._report_files() is None

    def _report_files(self) -> list[Any] | None:
        """``data_report.json``'s ``files`` entries; None when it cannot be read as that."""
        try:
            files = read_run_json(self.path / DATA_REPORT)["files"]
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return files if isinstance(files, list) else None

    def _split_file(self) -> Any:
        """``split.json`` as JSON (``OSError``/``ValueError`` when it cannot be read as JSON: :func:`read_run_json`)."""
        return read_run_json(self.path / SPLIT)

    def split_changes(
        self, train_sources: list[str], validation_sources: list[str], content: Mapping[str, str]
    ) -> SplitChanges:
        """How the sources of a split (and their files' ``content``) differ from ``split.json``, for a resume that
        refuses changed data: which are new, which are gone, which changed sides, which were edited, and whether
        every file is unedited by a digest ``split.json`` recorded (:attr:`SplitChanges.read_otherwise`)."""
        saved = self.read_split()
        if saved is None:
            return SplitChanges(known=False)
        before = {name: side for side, names in saved.items() for name in names}
        now = {name: "train" for name in train_sources} | {name: "validation" for name in validation_sources}
        recorded = self.recorded_content()
        edited = edited_names(recorded, content)
        new, gone = sorted(n for n in now if n not in before), sorted(n for n in before if n not in now)
        kept = [n for n in now if n in before]
        return SplitChanges(
            new=new,
            gone=gone,
            moved=sorted(n for n in now if n in before and before[n] != now[n]),
            edited=edited,
            unedited=not edited and bool(recorded) and all(n in recorded and n in content for n in kept),
            reread=tunes_read_again(new, gone, recorded, content),
        )

    def recorded_content(self) -> dict[str, str]:
        """``split.json``'s content digests by source name (none when it kept none)."""
        try:
            saved = self._split_file()["content"]
        except (OSError, ValueError, KeyError, TypeError):
            return {}
        return saved if isinstance(saved, dict) else {}
