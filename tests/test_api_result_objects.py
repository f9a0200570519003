"""The result objects as a notebook shows and uses them: a repr that says what they are in one line (a Generated
printed its config, every note and the path tensor; a Run every layer of its model), a Generated that iterates and
indexes like the list of files it has a length of, and file indices out of range named as such."""

from __future__ import annotations

import re

import pytest

import mvae_core
from mvae_core import hookimpl
from tests.training import TINY


@pytest.fixture(scope="module")
def run(tiny_run):
    return mvae_core.load(tiny_run)


def test_a_run_shows_its_path_and_model_in_one_line(run, tiny_run):
    assert repr(run) == f"Run({str(tiny_run)!r}, model='melody_rnn', hidden=32, latent_dim=2)"


def test_generated_loops_show_their_count_and_the_options_that_differ_from_the_defaults(run):
    loops = mvae_core.generate(run, random=3, loops=2, seed=1, temperature=0.8)
    notes = sum(len(loop) for file in loops.loops for loop in file)
    assert repr(loops) == f"Generated(3 files × 2 loops, {notes} notes; temperature=0.8, seed=1)"
    assert repr(mvae_core.generate(run, z=[0, 0])).startswith("Generated(1 file × 1 loop, ")


def test_generated_loops_iterate_and_index_as_their_files(run):
    loops = mvae_core.generate(run, random=3)
    assert list(loops) == loops.loops and loops[1] == loops.loops[1] and loops[-1] == loops.loops[2]
    assert loops.name(-1) == loops.name(2)


@pytest.mark.parametrize("call", ["midi", "midi_file", "name", "audio", "getitem"])
def test_a_file_index_out_of_range_names_the_count(run, call):
    loops = mvae_core.generate(run, random=3)
    method = loops.__getitem__ if call == "getitem" else getattr(loops, call)
    with pytest.raises(IndexError, match=r"^file 5: 3 files generated, numbered 0 to 2$"):
        method(5)


class ShowTrainer:
    """Prints ``trainer`` in a hook, as a plugin author does in a notebook to see what it gets."""

    def __init__(self) -> None:
        self.shown: list[str] = []

    @hookimpl
    def mvae_epoch_end(self, trainer):
        self.shown.append(repr(trainer))


def test_a_hooks_trainer_shows_where_training_is_not_every_setting_and_layer(synth_dir, tmp_path):
    probe = ShowTrainer()
    mvae_core.train([synth_dir], tmp_path / "run", overrides=TINY, plugins=[probe], epochs=1, progress=False)
    [shown] = probe.shown
    run_dir = re.escape(repr(tmp_path / "run"))
    assert re.fullmatch(
        rf"TrainerView\(run_dir={run_dir}, epochs=1, steps_per_epoch=\d+, epoch=0, step=\d+, ramps_end=0\)", shown
    )


def test_the_result_of_train_is_a_run_for_load_generate_and_evaluate(synth_dir, tmp_path):
    """`result = mvae_core.train(...)` then `mvae_core.generate(result, ...)` in the next cell: the RunResult names its
    run (it was refused as not a path)."""
    result = mvae_core.train([synth_dir], tmp_path / "run", overrides=TINY, plugins=[], epochs=1, progress=False)
    assert mvae_core.load(result).path == result.path
    assert mvae_core.generate(result, random=2).loops == mvae_core.generate(result.path, random=2).loops
    with pytest.warns(mvae_core.TrainedOnWarning):  # scored on the files it trained on, as it says
        assert mvae_core.evaluate(result, synth_dir, samples=8) == mvae_core.evaluate(result.path, synth_dir, samples=8)
