"""densify: every note value lands in its channel, row and step; transposition moves rows; empty cells are 0. The
table kept on the device (DeviceLoops) gives the same batches and the same training, bit for bit."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from mvae_core.config import DataConfig
from mvae_core.data import batches
from mvae_core.data.batches import CHANNELS, DeviceLoops, densify, velocity_channel
from mvae_core.data.load import load_dataset
from mvae_core.data.loops import MAX_VELOCITY, LoopBlock
from mvae_core.data.split import LoopSet, split_by_source
from mvae_core.data.table import NoteTable
from mvae_core.determinism import deterministic_algorithms
from tests.training import make_trainer, tiny_config

# (loop, row, step, velocity, duration, timeshift)
NOTES = [
    (0, 3, 0, 127, 0.5, -0.25),
    (0, 20, 31, 1, 1.0, 0.75),
    (0, 3, 8, 90, 0.0625, 0.0),
    (1, 0, 16, 64, 0.125, 0.5),
    (1, 9, 2, 100, 0.25, -1.0),
]


def known_table() -> NoteTable:
    cols = list(zip(*NOTES, strict=True))
    block = LoopBlock(
        loop=np.array(cols[0], np.int32),
        row=np.array(cols[1], np.uint8),
        step=np.array(cols[2], np.uint8),
        velocity=np.array(cols[3], np.uint8),
        duration=np.array(cols[4], np.float32),
        timeshift=np.array(cols[5], np.float32),
        seconds_per_step=np.array([0.125, 0.125], np.float32),
    )
    table, _ = NoteTable.from_blocks([("song", block)], min_onsets=1)
    return table


def expected_cells(loop: int, shift: int) -> dict[tuple[int, int], list[float]]:
    return {(row + shift, step): [1.0, vel / 127, dur, ts] for lp, row, step, vel, dur, ts in NOTES if lp == loop}


def test_channels_are_onset_velocity_duration_timeshift():
    assert CHANNELS == ("onset", "velocity", "duration", "timeshift")


@pytest.mark.parametrize("loops, shifts", [([0, 1], [0, 0]), ([1, 0, 0], [0, 0, 2]), ([0, 1], [-3, 3])])
def test_every_note_is_in_its_cell_and_every_other_cell_is_zero(loops, shifts):
    data = LoopSet(known_table(), np.array(loops), np.array(shifts))
    dense = densify(data, np.arange(len(loops)), pitch_classes=24)
    assert isinstance(dense, torch.Tensor)
    assert dense.dtype == torch.float32
    assert tuple(dense.shape) == (len(loops), 4, 24, 32)
    dense = dense.numpy()
    for i, (loop, shift) in enumerate(zip(loops, shifts, strict=True)):
        cells = expected_cells(loop, shift)
        for (row, step), values in cells.items():
            assert dense[i, :, row, step] == pytest.approx(values), (row, step)
        empty = np.ones((24, 32), dtype=bool)
        for row, step in cells:
            empty[row, step] = False
        assert not dense[i][:, empty].any()


def test_transposition_moves_rows_and_nothing_else():
    data = LoopSet(known_table(), np.array([0, 0, 0]), np.array([0, 2, -3]))
    dense = densify(data, np.arange(3), pitch_classes=24).numpy()
    assert np.array_equal(dense[1], np.roll(dense[0], 2, axis=1))
    assert np.array_equal(dense[2][:, :-3], dense[0][:, 3:])  # rows 3 and 20 → 0 and 17


def test_a_subset_of_examples_is_densified_in_the_order_asked():
    data = LoopSet(known_table(), np.array([0, 1, 0]), np.array([0, 0, 1]))
    whole = densify(data, np.arange(3), pitch_classes=24)
    part = densify(data, np.array([2, 1]), pitch_classes=24)
    assert torch.equal(part[0], whole[2])
    assert torch.equal(part[1], whole[1])


def test_densified_training_data_is_consistent_with_its_table(synth_dir):
    cfg = DataConfig()
    table, _ = load_dataset([str(synth_dir)], cfg)
    train, _, _ = split_by_source(table, cfg, seed=0)
    dense = densify(train, np.arange(len(train)), cfg.pitch_classes).numpy()
    onset, velocity, duration, timeshift = (dense[:, c] for c in range(4))
    assert onset.sum(axis=(1, 2)).tolist() == table.notes_per_loop()[train.loops].tolist()
    has_note = onset == 1
    assert set(np.unique(onset).tolist()) == {0.0, 1.0}
    assert (velocity[has_note] >= 1 / 127).all()
    assert not velocity[~has_note].any()
    assert not duration[~has_note].any()
    assert not timeshift[~has_note].any()
    assert (duration >= 0).all() and (duration <= 1).all()
    assert (timeshift >= -1).all() and (timeshift < 1).all()


# --- the table on the device (train.table_on_device) ------------------------------------------------------------


def unique_cell_blocks(n_sources: int, seed: int) -> list[tuple[str, LoopBlock]]:
    """Random sources whose loops hold at most one note per (row, step) cell, as the parser guarantees."""
    rng = np.random.default_rng(seed)
    blocks = []
    for s in range(n_sources):
        per_loop = rng.integers(1, 10, size=int(rng.integers(1, 6)))
        loop = np.repeat(np.arange(len(per_loop)), per_loop).astype(np.int32)
        steps = np.concatenate([rng.permutation(32)[:k] for k in per_loop]).astype(np.uint8)
        n = len(loop)
        block = LoopBlock(
            loop=loop,
            row=rng.integers(5, 19, n).astype(np.uint8),  # room for the default transpositions of ±5
            step=steps,
            velocity=rng.integers(1, 128, n).astype(np.uint8),
            duration=rng.random(n).astype(np.float32),
            timeshift=rng.uniform(-1, 1, n).astype(np.float32),
            seconds_per_step=np.full(len(per_loop), 0.125, np.float32),
        )
        blocks.append((f"source {s}", block))
    return blocks


@pytest.mark.parametrize("seed", range(3))
def test_batches_densified_on_the_device_equal_batches_densified_on_the_host(seed):
    cfg = DataConfig(transpositions=[-5, 5])
    table, _ = NoteTable.from_blocks(unique_cell_blocks(10, seed), min_onsets=1)
    train, _, _ = split_by_source(table, cfg, seed)
    on_device = DeviceLoops(train, torch.device("cpu"))
    rng = np.random.default_rng(seed)
    assert len(np.unique(train.shifts)) == 3  # transposed examples are among them
    for size in (1, 2, 7, len(train)):
        index = rng.permutation(len(train))[:size]
        assert torch.equal(on_device.densify(index, cfg.pitch_classes), densify(train, index, cfg.pitch_classes))


def test_the_device_batch_is_the_same_under_torchs_deterministic_mode_which_it_leaves_on():
    cfg = DataConfig(transpositions=[-5, 5])
    table, _ = NoteTable.from_blocks(unique_cell_blocks(10, 3), min_onsets=1)
    train, _, _ = split_by_source(table, cfg, 3)
    index = np.random.default_rng(3).permutation(len(train))[:16]
    with deterministic_algorithms(True):
        batch = DeviceLoops(train, torch.device("cpu")).densify(index, cfg.pitch_classes)
        assert torch.are_deterministic_algorithms_enabled()
    assert torch.equal(batch, densify(train, index, cfg.pitch_classes))


def test_velocity_channel_values_are_the_correctly_rounded_quotients():
    # float64 division rounded once to float32 is the correctly rounded float32 quotient; CUDA's tensor ÷ scalar
    # (a multiplication by the reciprocal) missed it by one ulp for some velocities, so both batch paths use these
    stored = np.arange(MAX_VELOCITY + 1, dtype=np.uint8)
    expected = np.array([np.float32(v / MAX_VELOCITY) for v in range(MAX_VELOCITY + 1)], dtype=np.float32)
    assert velocity_channel(stored).dtype == np.float32
    assert np.array_equal(velocity_channel(stored), expected)


def test_a_memory_mapped_table_is_copied_to_the_device_as_it_is(synth_dir, tmp_path):
    cfg = DataConfig(cache_dir=str(tmp_path / "cache"))
    load_dataset([str(synth_dir)], cfg)  # writes the set entry
    table, _ = load_dataset([str(synth_dir)], cfg)
    assert isinstance(table.row, np.memmap)
    train, _, _ = split_by_source(table, cfg, 0)
    index = np.random.default_rng(1).permutation(len(train))[:64]
    assert torch.equal(DeviceLoops(train, torch.device("cpu")).densify(index, 24), densify(train, index, 24))


@pytest.mark.parametrize("model", ["seed", "melody_rnn"])
def test_training_from_the_table_on_the_device_is_bit_identical(synth_dir, model):
    weights = []
    for setting in ("off", "on"):
        trainer = make_trainer(synth_dir, tiny_config(f'model.name="{model}"', f'train.table_on_device="{setting}"'))
        trainer.fit()
        weights.append(trainer.model.state_dict())
    assert all(torch.equal(weights[0][name], weights[1][name]) for name in weights[0])


def test_auto_keeps_the_table_on_the_host_for_a_cpu_device(synth_dir, device_tables_built):
    table, _ = load_dataset([str(synth_dir)], DataConfig())
    train, _, _ = split_by_source(table, DataConfig(), 0)
    cpu = torch.device("cpu")
    for setting in ("auto", "off", "on"):
        batches.batch_source(train, 24, cpu, setting)
    assert device_tables_built == [cpu]  # only "on"
