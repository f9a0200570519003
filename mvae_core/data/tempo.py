"""The tempo of a data set's loops: each loop's bpm as its file plays it (``mvae encode``'s ``bpm``), and their summary
(the data table's ``tempo`` row, ``data_report.json``'s ``tempo``, the ``--tempo`` of the commands ``mvae train``
prints last).

A loop's bpm is the tempo at which its 32 steps last as long as its 2 bars do on its file's tempo map (its
``seconds_per_step``, docs/data.md, The grid). Training does not use it, and ``mvae generate`` and ``mvae serve``
play at their ``--tempo`` (default :attr:`DecodeOptions.tempo <mvae_core.decode_options.DecodeOptions.tempo>`): the
summary says how far that is from the data's. A tune of a bundled corpus (``corpus:essen``: ABC, which carries no
tempo) is read at 120 bpm by construction, so its loops say nothing of a tempo and the summary counts them apart.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from mvae_core.data.corpus import CORPUS_PREFIX, RESOLUTION, SECONDS_PER_TICK
from mvae_core.data.loops import STEPS_PER_BEAT
from mvae_core.data.table import NoteTable
from mvae_core.decode_options import TEMPO_RANGE, DecodeOptions
from mvae_core.serve.knobs import KNOBS
from mvae_core.wording import counted


def loop_bpm(seconds_per_step: np.ndarray) -> np.ndarray:
    """Each loop's tempo in its file, in bpm to 0.1 (float64): the bpm at which a 16th step lasts its
    ``seconds_per_step`` (the inverse of :func:`mvae_core.loop_file.step_seconds`). The one rule of ``mvae encode``'s
    ``bpm`` and :func:`tempo_summary`."""
    return np.round(60.0 / np.asarray(seconds_per_step, dtype=np.float64) / STEPS_PER_BEAT, 1)


CORPUS_BPM = float(loop_bpm(np.array([SECONDS_PER_TICK * RESOLUTION / STEPS_PER_BEAT]))[0])
"""The tempo of every loop of a corpus tune (120): the reader's, as ABC carries none (:mod:`mvae_core.data.corpus`)."""


def tempo_summary(table: NoteTable) -> dict[str, Any] | None:
    """The tempo of ``table``'s loops (:func:`loop_bpm`): ``median``, ``p10`` and ``p90`` (bpm, to 0.1) over the
    loops of files, ``loops`` (all of them) and ``corpus_loops`` (those of corpus tunes, at 120 bpm by construction,
    left out of the percentiles unless every loop is one: then they are the corpus's 120). ``None`` without a loop."""
    if not table.n_loops:
        return None
    bpm = loop_bpm(table.seconds_per_step)
    corpus = np.array([name.startswith(CORPUS_PREFIX) for name in table.sources], dtype=bool)[table.source]
    own = bpm[~corpus] if not corpus.all() else bpm
    p10, median, p90 = (round(float(v), 1) for v in np.percentile(own, [10, 50, 90]))
    return {"median": median, "p10": p10, "p90": p90, "loops": int(table.n_loops), "corpus_loops": int(corpus.sum())}


def whole_bpm(bpm: float) -> int:
    """``bpm`` to the nearest whole bpm, halves up (97.5 → 98): as the tempo row and :func:`playing_tempo` show it."""
    return math.floor(bpm + 0.5)


def playing_tempo(summary: dict[str, Any] | None, within: tuple[float, float] = TEMPO_RANGE) -> int | None:
    """The ``--tempo`` at which ``mvae generate`` (or, ``within`` its tempo knob's range, ``mvae serve``) plays loops
    at the data's speed: the median of a :func:`tempo_summary` as a whole bpm, the nearest end of ``within`` when it
    lies outside; ``None`` when that is their default (:attr:`DecodeOptions.tempo`), or when there is no summary (a run
    written before ``data_report.json`` kept one, data without loops)."""
    median = (summary or {}).get("median")
    if isinstance(median, bool) or not isinstance(median, int | float) or not math.isfinite(median):
        return None
    low, high = within
    tempo = min(max(whole_bpm(median), math.ceil(low)), math.floor(high))
    return None if tempo == DecodeOptions.tempo else tempo


def tempo_row(summary: dict[str, Any]) -> str:
    """The data table's ``tempo`` row of a :func:`tempo_summary`: the median and the middle 80 % of the loops' bpm,
    the corpus tunes' tempo said to be the reader's, and the ``--tempo`` that plays at the data's speed when it is not
    the default (:func:`playing_tempo`: serve's, the nearest end of its tempo knob's range, said apart where it
    differs)."""
    median, low, high = (whole_bpm(summary[key]) for key in ("median", "p10", "p90"))
    if summary["corpus_loops"] == summary["loops"]:
        return f"{CORPUS_BPM:g} bpm for every loop, by construction: the corpus's ABC tunes carry no tempo"
    spread = f"{low}–{high} for the middle 80 % of the loops" if low != high else "as are the middle 80 % of the loops"
    row = f"median {median} bpm, {spread} (on their files' tempo maps, as mvae encode gives each)"
    if corpus := summary["corpus_loops"]:
        tunes = counted(corpus, "loop")
        row += f"; {tunes} of corpus tunes left out (ABC carries no tempo: {CORPUS_BPM:g} bpm by construction)"
    generate, serve = (playing_tempo(summary, within) for within in (TEMPO_RANGE, KNOBS["tempo"]))
    if generate is not None:
        row += f"; mvae generate and serve play {DecodeOptions.tempo:g} unless given --tempo {generate}"
        if serve != generate:
            end = "highest" if serve is not None and serve < generate else "lowest"
            row += f" (serve: --tempo {serve}, its tempo knob's {end})"
    return row
