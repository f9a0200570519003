"""``generate(...) == generate(...)``, the check that a generation is reproducible, raised "Boolean value of Tensor
with more than one value is ambiguous" (the dataclass compared the path tensors); and ``loops.name()`` needed the
index that ``midi()``, ``midi_file()`` and ``audio()`` default to 0."""

from __future__ import annotations

import pytest

import mvae_core


@pytest.fixture(scope="module")
def run(tiny_run):
    return mvae_core.load(tiny_run)


def test_two_generations_compare_by_their_notes_points_and_options(run):
    first = mvae_core.generate(run, random=3, seed=1)
    assert first == mvae_core.generate(run, random=3, seed=1)
    assert first != mvae_core.generate(run, random=3, seed=2)
    assert first != mvae_core.generate(run, random=2, seed=1)
    assert first != mvae_core.generate(run, random=3, seed=1, tempo=90)  # the same notes, other options
    assert first != first.joined() and first != first.loops
    with pytest.raises(TypeError, match="unhashable"):
        hash(first)


def test_a_files_name_defaults_to_the_first_as_its_other_methods_do(run):
    loops = mvae_core.generate(run, random=2)
    assert loops.name() == loops.name(0)
