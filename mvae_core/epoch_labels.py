"""The labels of the numbers the console's epoch line shows of its own, in a module that imports nothing: the line is
built with them (:func:`mvae_core.progress.epoch_line`), and a loss term may not be named like one
(:func:`mvae_core.host.term_name_problem`, for a plugin's term and a model's added one alike), since the line would
show the term's number beside its own under the same label."""

from __future__ import annotations

from typing import NamedTuple


class EpochLineLabels(NamedTuple):
    """What the epoch line writes before each number of its own, by what the number is."""

    loss: str
    val: str
    elbo: str
    onset: str
    velocity: str
    duration: str
    timeshift: str
    onset_f1: str
    rhythm_f1: str
    spread: str
    active_units: str
    weights: str
    lr: str


LABEL = EpochLineLabels(
    loss="loss",
    val="val",
    elbo="elbo",
    onset="on",
    velocity="vel",
    duration="dur",
    timeshift="ts",
    onset_f1="f1",
    rhythm_f1="rhythm",
    spread="spread",
    active_units="au",
    weights="w",
    lr="lr",
)
"""The epoch line's labels (``LABEL.onset`` is ``on``); ``tuple(LABEL)`` lists them. The core terms the line shows by
their own names (``kl``) are no labels here: a term of a core term's name is that term."""
