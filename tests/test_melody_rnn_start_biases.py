"""melody_rnn starts its token layer at the frequencies of the tokens it trains on: each transposed copy of a loop
counts at its own rows, and a chord counts as its top note (one token per step), so its other notes take no step
from the rests; its timing classes start at the offsets of those top notes only."""

from __future__ import annotations

import numpy as np
import torch

from mvae_core.data.loops import LoopBlock
from mvae_core.data.split import LoopSet
from mvae_core.data.table import NoteTable
from mvae_core.host import PluginHost
from mvae_core.models import build_model
from mvae_core.models.base import log_frequencies
from mvae_core.models.melody_rnn import top_tokens
from mvae_core.trainer import Trainer
from tests.training import tiny_config

# (loop, row, step, timeshift): loop 0 holds a chord at step 0 (rows 3 and 7: 7 is its token), loop 1 one note
NOTES = [(0, 3, 0, 0.5), (0, 7, 0, 0.0), (0, 5, 8, 0.0), (1, 10, 4, -0.5)]
LOOPS, SHIFTS = [0, 1, 0, 1], [0, 0, 4, -2]  # each loop as it is, and transposed
TOKENS = {0: 4 * 32 - 6, 1 + 7: 1, 1 + 5: 1, 1 + 10: 1, 1 + 11: 1, 1 + 9: 1, 1 + 8: 1}
"""The tokens of the four examples: 1 + the top row of each step with a note, shifted; no note at every other step."""


def training_set() -> LoopSet:
    cols = list(zip(*NOTES, strict=True))
    block = LoopBlock(
        loop=np.array(cols[0], np.int32),
        row=np.array(cols[1], np.uint8),
        step=np.array(cols[2], np.uint8),
        velocity=np.full(len(NOTES), 100, np.uint8),
        duration=np.full(len(NOTES), 0.25, np.float32),
        timeshift=np.array(cols[3], np.float32),
        seconds_per_step=np.array([0.125, 0.125], np.float32),
    )
    table, _ = NoteTable.from_blocks([("song", block)], min_onsets=1)
    return LoopSet(table, np.array(LOOPS), np.array(SHIFTS))


def started_model(train: LoopSet) -> torch.nn.Module:
    model = build_model(tiny_config())
    model.init_from_data(train)
    return model


def test_the_token_bias_is_the_log_frequency_of_the_transposed_top_notes():
    model = started_model(training_set())
    counts = torch.zeros(model.pitch_classes + 1, dtype=torch.float64)
    for token, count in TOKENS.items():
        counts[token] = count
    torch.testing.assert_close(model.to_token.bias.detach(), log_frequencies(counts), rtol=0, atol=1e-6)


def test_the_timing_bias_counts_the_offsets_of_the_top_notes_only():
    model = started_model(training_set())
    on_grid, late = model.timing.classes(torch.tensor([0.0, -0.5]))  # the chord's lower note (0.5) is no token's
    counts = torch.zeros(model.timing.n_classes, dtype=torch.float64)
    counts[on_grid], counts[late] = 4, 2
    torch.testing.assert_close(model.note_head[-1].bias[2:].detach(), log_frequencies(counts), rtol=0, atol=1e-6)


def test_the_token_bias_is_the_frequency_of_the_tokens_in_an_epoch_of_training_batches():
    train = training_set()
    trainer = Trainer(tiny_config("train.batch_size=2"), train, train, PluginHost({}))
    counts = torch.zeros(trainer.model.pitch_classes + 1, dtype=torch.float64)
    for index in trainer.dist.batches(len(train), 2, np.random.default_rng(0)):
        counts += torch.bincount(top_tokens(trainer.batch(index)).flatten(), minlength=len(counts))
    torch.testing.assert_close(trainer.model.to_token.bias.detach(), log_frequencies(counts), rtol=0, atol=1e-6)
