"""The note table on disk (mvae_core.data.table_store) and the chunked passes that let a memory-mapped table train."""

from __future__ import annotations

import dataclasses
import json
import shutil
import threading
from pathlib import Path

import numpy as np
import pytest
import torch

from mvae_core.config import DataConfig
from mvae_core.data import table as table_module
from mvae_core.data.batches import densify
from mvae_core.data.load import DataReport
from mvae_core.data.loops import LoopBlock
from mvae_core.data.split import split_by_source
from mvae_core.data.table import NoteTable
from mvae_core.data.table_store import TableWriter, open_table
from mvae_core.report import data_summary
from tests.training import make_trainer, tiny_config

# Rows MIDI 48..71, which these expectations assume (the default, "auto", chooses from the data)
CFG = DataConfig(pitch_low=48)


def random_blocks(n_sources: int, seed: int) -> list[tuple[str, LoopBlock]]:
    """Sources of 0..6 loops with 0..9 notes each (some loops and some whole sources fall below min_onsets)."""
    rng = np.random.default_rng(seed)
    blocks = []
    for s in range(n_sources):
        n_loops = int(rng.integers(0, 7))
        per_loop = rng.integers(0, 10, size=n_loops)
        loop = np.repeat(np.arange(n_loops), per_loop).astype(np.int32)
        n = len(loop)
        block = LoopBlock(
            loop=loop,
            row=rng.integers(0, CFG.pitch_classes, n).astype(np.uint8),
            step=rng.integers(0, 32, n).astype(np.uint8),
            velocity=rng.integers(1, 128, n).astype(np.uint8),
            duration=rng.random(n).astype(np.float32),
            timeshift=rng.uniform(-1, 1, n).astype(np.float32),
            seconds_per_step=rng.uniform(0.05, 0.2, n_loops).astype(np.float32),
        )
        blocks.append((f"source {s}", block))
    return blocks


def assert_same_table(a: NoteTable, b: NoteTable) -> None:
    for field in dataclasses.fields(NoteTable):  # a MappedNoteTable adds where it lives
        x, y = getattr(a, field.name), getattr(b, field.name)
        if isinstance(x, np.ndarray):
            assert x.dtype == y.dtype and np.array_equal(x, y), field.name
        else:
            assert x == y, field.name


def write(directory: Path, blocks: list[tuple[str, LoopBlock]], min_onsets: int, extra=None):
    with TableWriter(directory) as writer:
        kept = {name: writer.add(name, block, min_onsets) for name, block in blocks}
        return writer.commit(extra), kept


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("min_onsets", [1, 4])
def test_the_written_table_is_the_in_memory_table_memory_mapped(tmp_path, seed, min_onsets):
    blocks = random_blocks(12, seed)
    in_memory, kept_in_memory = NoteTable.from_blocks(blocks, min_onsets)
    mapped, kept = write(tmp_path / "set", blocks, min_onsets, extra={"entries": [1, 2]})
    assert kept == kept_in_memory
    assert_same_table(in_memory, mapped)
    if mapped.n_notes:
        assert isinstance(mapped.row, np.memmap) and not mapped.row.flags.writeable
    reopened, extra = open_table(tmp_path / "set")
    assert_same_table(in_memory, reopened)
    assert extra == {"entries": [1, 2]}


def test_an_empty_table_round_trips(tmp_path):
    mapped, kept = write(tmp_path / "set", [("silent", random_blocks(1, 0)[0][1])], min_onsets=1000)
    assert kept == {"silent": (0, 0)}
    assert_same_table(NoteTable.empty(), mapped)


def test_an_interrupted_write_leaves_nothing(tmp_path):
    with pytest.raises(KeyboardInterrupt), TableWriter(tmp_path / "set") as writer:
        writer.add("a", random_blocks(1, 1)[0][1], 1)
        raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []


FULL_DISK = """
import resource, signal, sys
from pathlib import Path
import numpy as np
from mvae_core.data.loops import LoopBlock
from mvae_core.data.table_store import TableWriter
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit then fails with EFBIG, as on a full disk
resource.setrlimit(resource.RLIMIT_FSIZE, (4_000, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))
n = 1_100  # the float columns' 4,528 bytes stay in their write buffers until commit() flushes them
block = LoopBlock(loop=np.arange(n, dtype=np.int32) // 10, row=np.zeros(n, np.uint8), step=np.zeros(n, np.uint8),
                  velocity=np.ones(n, np.uint8), duration=np.ones(n, np.float32), timeshift=np.zeros(n, np.float32),
                  seconds_per_step=np.ones(n // 10, np.float32))
try:
    with TableWriter(Path(sys.argv[1]) / "set") as writer:
        writer.add("a", block, 1)
        writer.commit()
except OSError as exc:
    print(exc.errno)
"""


def test_a_write_that_fills_the_disk_leaves_nothing(tmp_path):
    """abort() stopped at the first file whose close could not write its buffer (a full disk): the other files stayed
    open and the partial table stayed in the cache folder, holding the space it had filled."""
    import errno
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-c", FULL_DISK, str(tmp_path)], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.strip() == str(errno.EFBIG), result.stderr
    assert list(tmp_path.iterdir()) == []


def test_two_writers_of_one_set_both_get_a_whole_table(tmp_path):
    """Ablation workers may build the same set at once: one publishes, the other uses what was published."""
    blocks = random_blocks(8, 2)
    writers = [TableWriter(tmp_path / "set") for _ in range(2)]
    for writer in writers:
        for name, block in blocks:
            writer.add(name, block, 1)
    tables = [writer.commit() for writer in writers]
    expected, _ = NoteTable.from_blocks(blocks, 1)
    for table in tables:
        assert_same_table(expected, table)
    assert [p.name for p in tmp_path.iterdir()] == ["set"]


def test_concurrent_commits_race_safely(tmp_path):
    blocks = random_blocks(6, 3)
    expected, _ = NoteTable.from_blocks(blocks, 1)
    results, errors = [], []

    def build() -> None:
        try:
            results.append(write(tmp_path / "set", blocks, 1)[0])
        except Exception as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=build) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and len(results) == 4
    for table in results:
        assert_same_table(expected, table)


@pytest.mark.parametrize(
    "damage",
    [
        "a column of the wrong dtype",
        "a column one element short",
        "trailing bytes",
        "offsets that do not reach the notes",
        "offsets out of order",
        "a loop of no listed source",
        "a newer format",
        "a pickled object column",
    ],
)
def test_a_damaged_table_is_refused(tmp_path, damage):
    directory = tmp_path / "set"
    write(directory, random_blocks(6, 4), 1)
    table, _ = open_table(directory)
    n_notes = table.n_notes
    del table  # unmap before rewriting its files
    if damage == "a column of the wrong dtype":
        np.save(directory / "row.npy", np.zeros(n_notes, np.int64))
    elif damage == "a column one element short":
        np.save(directory / "step.npy", np.zeros(n_notes - 1, np.uint8))
    elif damage == "trailing bytes":
        with open(directory / "timeshift.npy", "ab") as file:
            file.write(b"\0\0\0\0")
    elif damage == "offsets that do not reach the notes":
        offsets = np.load(directory / "offsets.npy")
        offsets[-1] -= 1
        np.save(directory / "offsets.npy", offsets)
    elif damage == "offsets out of order":  # a flipped bit: mvae data inspect ended in an IndexError traceback
        offsets = np.load(directory / "offsets.npy")
        offsets[3] = 10**9
        np.save(directory / "offsets.npy", offsets)
    elif damage == "a loop of no listed source":
        source = np.load(directory / "source.npy")
        source[0] = 999
        np.save(directory / "source.npy", source)
    elif damage == "a newer format":
        meta = json.loads((directory / "meta.json").read_text())
        (directory / "meta.json").write_text(json.dumps(meta | {"format": 99}))
    else:
        np.save(directory / "source.npy", np.array([object()] * 3), allow_pickle=True)
    with pytest.raises(ValueError):
        open_table(directory)


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunks of 7 notes, so that every chunked pass runs through many chunks."""
    monkeypatch.setattr(table_module, "CHUNK_NOTES", 7)


@pytest.mark.parametrize("seed", range(4))
def test_loop_chunks_cover_every_loop_once_within_the_bound(small_chunks, seed):
    table, _ = NoteTable.from_blocks(random_blocks(10, seed), 1)
    chunks = list(table.loop_chunks())
    assert [lo for lo, _ in chunks] == [0, *[hi for _, hi in chunks[:-1]]] and chunks[-1][1] == table.n_loops
    for lo, hi in chunks:
        notes = table.offsets[hi] - table.offsets[lo]
        assert hi - lo == 1 or notes <= 7


@pytest.mark.parametrize("seed", range(4))
def test_chunked_passes_equal_whole_table_arithmetic(small_chunks, seed):
    table, _ = NoteTable.from_blocks(random_blocks(14, seed), 2)
    starts = table.offsets[:-1]
    low, high = table.loop_row_range()
    assert low.tolist() == np.minimum.reduceat(table.row, starts).tolist()
    assert high.tolist() == np.maximum.reduceat(table.row, starts).tolist()

    train, _, _ = split_by_source(table, CFG, seed)
    per_note = np.repeat(np.bincount(train.loops, minlength=table.n_loops), table.notes_per_loop())
    for column in ("row", "timeshift"):
        chunks = list(train.weighted_notes(column))
        values = np.concatenate([v for v, _ in chunks])
        weights = np.concatenate([w for _, w in chunks])
        held = per_note > 0
        expected = getattr(table, column)[held]
        assert np.array_equal(np.sort(values[weights > 0]), np.sort(expected))
        assert weights.sum() == per_note.sum()

    summary = data_summary(table, DataReport(), CFG)
    ts = table.timeshift.astype(np.float64)
    assert summary["timeshift_std"] == pytest.approx(ts.std(ddof=1), rel=1e-9)  # metrics.timing_std: n − 1
    assert summary["within_0.05"] == np.mean(np.abs(table.timeshift) <= np.float32(0.05))  # report.within_count
    assert summary["pitch_range"] == [int(table.row.min()) + CFG.pitch_low, int(table.row.max()) + CFG.pitch_low]


@pytest.mark.parametrize("model", ["seed", "melody_rnn"])
def test_training_on_the_mapped_table_is_bit_identical_to_in_memory(tmp_path, model):
    """The cache's set entry (memory-mapped) and a load without the cache (in memory) train to the same weights."""
    from tests.synth import melody_folder

    folder = melody_folder(tmp_path / "melodies", n_files=6, n_loops=4, seed=5)
    weights = []
    for cache in (str(tmp_path / "cache"), str(tmp_path / "cache"), "none"):  # cold write, warm read, no cache
        cfg = tiny_config(f'model.name="{model}"', f'data.cache_dir="{cache}"', epochs=2)
        trainer = make_trainer(folder, cfg)
        assert isinstance(trainer.train_set.table.row, np.memmap) == (cache != "none")
        trainer.fit()
        weights.append({k: v.clone() for k, v in trainer.model.state_dict().items()})
    for other in weights[1:]:
        assert all(torch.equal(weights[0][k], other[k]) for k in weights[0])


def _rss_file() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("RssFile:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no RssFile")


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads RssFile from /proc (Linux)")
def test_a_chunked_pass_leaves_no_mapped_pages_behind(tmp_path):
    """A pass over a mapped table (here: the row range) drops each chunk's pages once done, so a table larger than
    RAM can be passed over; the data reads back the same."""
    rng = np.random.default_rng(0)
    n = 1_000_000  # 11 MB of note columns
    loop = np.repeat(np.arange(n // 20), 20).astype(np.int32)
    block = LoopBlock(
        loop=loop,
        row=rng.integers(0, 24, n).astype(np.uint8),
        step=np.tile(np.arange(20), n // 20).astype(np.uint8),
        velocity=np.full(n, 90, np.uint8),
        duration=np.full(n, 0.5, np.float32),
        timeshift=rng.uniform(-1, 1, n).astype(np.float32),
        seconds_per_step=np.full(n // 20, 0.125, np.float32),
    )
    table, _ = write(tmp_path / "set", [("big", block)], 1)
    expected = block.timeshift.copy()
    baseline = _rss_file()
    assert float(np.asarray(table.timeshift, dtype=np.float64).sum()) == pytest.approx(expected.sum(dtype=np.float64))
    assert _rss_file() - baseline > 3_000_000  # reading the column mapped its 4 MB
    table.release(0, table.n_loops)
    assert _rss_file() - baseline < 500_000
    low, _ = table.loop_row_range()
    assert _rss_file() - baseline < 500_000
    assert np.array_equal(table.timeshift, expected)
    assert low.tolist() == np.minimum.reduceat(block.row, np.arange(0, n, 20)).tolist()


def test_releasing_an_in_memory_table_changes_nothing():
    table, _ = NoteTable.from_blocks(random_blocks(8, 6), 1)
    before = {name: getattr(table, name).copy() for name in ("row", "timeshift", "offsets")}
    table.release(0, table.n_loops)
    assert all(np.array_equal(getattr(table, name), values) for name, values in before.items())


@pytest.mark.parametrize("seed", range(3))
def test_batches_from_the_mapped_table_equal_batches_in_memory(tmp_path, seed):
    blocks = random_blocks(12, seed)
    in_memory, _ = NoteTable.from_blocks(blocks, 1)
    mapped, _ = write(tmp_path / "set", blocks, 1)
    train, _, _ = split_by_source(in_memory, CFG, seed)
    train_mapped, _, _ = split_by_source(mapped, CFG, seed)
    rng = np.random.default_rng(seed)
    for size in (1, 2, 7, len(train)):
        index = rng.permutation(len(train))[:size]
        assert torch.equal(densify(train, index, CFG.pitch_classes), densify(train_mapped, index, CFG.pitch_classes))
    assert mapped.gather(np.zeros(0, np.int64))["row"].dtype == np.uint8


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads RssFile from /proc (Linux)")
def test_random_batches_do_not_map_the_table(tmp_path):
    """Batches read their notes with pread: a few hundred random batches leave the note columns unmapped (a read
    through the map would map 64 KiB around every note)."""
    rng = np.random.default_rng(1)
    n_loops, per_loop = 100_000, 20
    n = n_loops * per_loop
    block = LoopBlock(
        loop=np.repeat(np.arange(n_loops), per_loop).astype(np.int32),
        row=rng.integers(0, 24, n).astype(np.uint8),
        step=np.tile(np.arange(per_loop), n_loops).astype(np.uint8),
        velocity=np.full(n, 90, np.uint8),
        duration=np.full(n, 0.5, np.float32),
        timeshift=rng.uniform(-1, 1, n).astype(np.float32),
        seconds_per_step=np.full(n_loops, 0.125, np.float32),
    )
    table, _ = write(tmp_path / "set", [("big", block)], 1)  # 22 MB of note columns
    data = split_by_source(table, CFG, 0)[1]  # one source: validation is its last loops, unshifted
    baseline = _rss_file()
    for _ in range(300):
        densify(data, rng.integers(0, len(data), 64), CFG.pitch_classes)
    assert _rss_file() - baseline < 2_000_000  # the offsets (0.8 MB) at most


def test_a_column_cut_short_on_disk_is_an_error_not_wrong_notes(tmp_path):
    table, _ = write(tmp_path / "set", random_blocks(8, 7), 1)
    path = tmp_path / "set" / "timeshift.npy"
    path.write_bytes(path.read_bytes()[:-8])  # the map is not read again: no SIGBUS
    with pytest.raises(OSError, match="changed on disk"):
        table.gather(np.arange(table.n_notes))


def test_a_table_keeps_working_when_its_directory_is_deleted(tmp_path):
    """Deleting the cache folder under a running process is safe: its files stay open until it is done."""
    blocks = random_blocks(8, 8)
    mapped, _ = write(tmp_path / "set", blocks, 1)
    expected, _ = NoteTable.from_blocks(blocks, 1)
    shutil.rmtree(tmp_path / "set")
    rows = np.arange(expected.n_notes)
    assert all(np.array_equal(mapped.gather(rows)[c], expected.gather(rows)[c]) for c in ("row", "timeshift"))
    assert np.array_equal(mapped.loop_row_range()[0], expected.loop_row_range()[0])
