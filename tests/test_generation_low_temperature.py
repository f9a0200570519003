"""A low note temperature sharpens the row draw towards the likeliest row, however small the probabilities are.

The draw weighs each row by ``p ** (1 / temperature)``. Taken from the raw probabilities, those powers fell below the
smallest float at low temperatures (``0.02 ** 200`` is 0), and the draw then picked among the rows uniformly: the
colder the temperature, the more random the pitch, the opposite of what the option means.
"""

from __future__ import annotations

import numpy as np

from mvae_core.data.loops import STEPS_PER_LOOP
from mvae_core.generation import DecodeOptions, choose_cells
from mvae_core.models.melody_rnn import TokenChooser

ROWS = 48
LIKELY = 5


def test_the_seed_rule_draws_the_likeliest_row_at_a_low_temperature_when_every_probability_is_small() -> None:
    onset = np.full((ROWS, STEPS_PER_LOOP), 1e-4, dtype=np.float32)
    onset[LIKELY] = 0.02  # 200 times as likely as every other row
    options = DecodeOptions(temperature=0.005, density=100.0)  # every step sounds
    rows = np.concatenate([choose_cells(onset, options, np.random.default_rng(seed))[0] for seed in range(20)])
    assert len(rows) == 20 * STEPS_PER_LOOP
    assert (rows == LIKELY).all(), np.bincount(rows, minlength=ROWS)


def test_the_melody_rnn_chooser_draws_the_likeliest_row_at_a_low_temperature_when_a_rest_dominates() -> None:
    logits = np.full(1 + ROWS, -2.0)
    logits[0] = 8.0  # no note: e^8 times as likely as the likeliest row
    logits[1 + LIKELY] = 0.0  # e^2 times as likely as every other row
    choose = TokenChooser(DecodeOptions(temperature=0.01, density=1e4))  # every step sounds
    rng = np.random.default_rng(0)
    tokens = [choose(logits, rng.random(2).tolist()) for _ in range(500)]
    assert set(tokens) == {1 + LIKELY}, np.bincount(tokens, minlength=1 + ROWS)


def test_the_draw_keeps_the_rows_proportions_at_a_moderate_temperature() -> None:
    logits = np.log(np.array([0.5, 0.3, 0.15, 0.05]))  # no note, then rows with 0.3 : 0.15 : 0.05
    choose = TokenChooser(DecodeOptions(temperature=0.5), pitch_min_p=0.0)
    rng = np.random.default_rng(1)
    tokens = np.array([choose(logits, [0.0, u]) for u in rng.random(20_000)])  # u0 = 0: every step sounds
    shares = np.bincount(tokens, minlength=4)[1:] / len(tokens)
    expected = np.array([0.3, 0.15, 0.05]) ** 2 / (np.array([0.3, 0.15, 0.05]) ** 2).sum()
    np.testing.assert_allclose(shares, expected, atol=0.01)
