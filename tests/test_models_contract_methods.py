"""A bug in a model's other methods that mvae calls outside a training step (``init_from_data``, ``check_options``,
``player``, ``onnx_graph``) is a ModelError naming the model, its package, the method and the line of the package's
own code, as a bug of ``__init__`` or ``check_config`` is; before, each was a traceback (exit 1). A refusal the
method means (an :class:`~mvae_core.errors.MvaeError`, such as ``UnsupportedOption``) passes as it is."""

from __future__ import annotations

import pytest

import mvae_core
from mvae_core.config import build_config
from mvae_core.models import ModelError
from mvae_core.models.seed import SeedModel
from tests.test_models import _installed, tiny
from tests.training import make_trainer


class _Buggy(SeedModel):
    """Trains and decodes as the seed model; its other methods have bugs."""

    def check_options(self, options):
        if options.density != 1.0:
            return options.densty  # a typo, met only when the density knob moves
        return super().check_options(options)

    def player(self):
        raise KeyError("rows")

    def onnx_graph(self, cfg):
        return cfg.model.hiden  # a typo


class _BuggyStart(SeedModel):
    def init_from_data(self, train):
        raise ZeroDivisionError("no notes")


@pytest.fixture
def buggy_run(monkeypatch, synth_dir, tmp_path):
    _installed(monkeypatch, "buggy", _Buggy)
    return mvae_core.train([synth_dir], tmp_path / "run", overrides=tiny("buggy"), plugins=[], epochs=1,
                           progress=False).path  # fmt: skip


def _line(function, offset: int) -> str:
    return f"{__file__}:{function.__code__.co_firstlineno + offset}"


def test_bugs_in_check_options_player_and_onnx_graph_name_the_model_and_the_line(buggy_run, tmp_path):
    run = mvae_core.load(buggy_run)
    with pytest.raises(ModelError) as check:
        run.generate(random=1, density=1.5)
    assert str(check.value) == (
        "model 'buggy' (package mvae-x): check_options raised AttributeError: 'DecodeOptions' object has no "
        f"attribute 'densty' (at {_line(_Buggy.check_options, 2)})"
    )
    with pytest.raises(ModelError, match=r"^model 'buggy' \(package mvae-x\): player raised KeyError: 'rows' \(at "):
        run.player()
    pytest.importorskip("onnxscript", reason="the onnx extra (make test installs it)")
    with pytest.raises(ModelError) as export:
        run.export_onnx(tmp_path / "decoder.onnx")
    assert str(export.value).startswith("model 'buggy' (package mvae-x): onnx_graph raised AttributeError: ")
    assert str(export.value).endswith(f"(at {_line(_Buggy.onnx_graph, 1)})")


def test_a_bug_in_init_from_data_names_the_model(monkeypatch, synth_dir):
    _installed(monkeypatch, "buggy_start", _BuggyStart)
    with pytest.raises(ModelError) as error:
        make_trainer(synth_dir, build_config(None, tiny("buggy_start")))
    assert str(error.value) == (
        "model 'buggy_start' (package mvae-x): init_from_data raised ZeroDivisionError: no notes "
        f"(at {_line(_BuggyStart.init_from_data, 1)})"
    )


class _Swapped(SeedModel):
    """Builds its notes as ``Note(row, step, …)``: the tensors are [rows, steps], the note's fields (step, row)."""

    def decode_notes(self, z, options):
        return [[note._replace(step=min(note.row, 31), row=note.step + 24) for note in loop]
                for loop in super().decode_notes(z, options)]  # fmt: skip


def test_validation_refuses_rows_beyond_the_run_s_pitch_rows(monkeypatch, synth_dir, tmp_path):
    """Validation and generation give check_notes the run's rows: a swapped step and row trained without a word."""
    _installed(monkeypatch, "swapped", _Swapped)
    with pytest.raises(ModelError, match=r"^model 'swapped' \(package mvae-x\): decode_notes returned .* its row \d+ is "
                       r"beyond the run's \d+ pitch rows"):  # fmt: skip
        mvae_core.train([synth_dir], tmp_path / "run", overrides=tiny("swapped"), plugins=[], epochs=1, progress=False)


def test_mvae_serve_names_a_player_whose_notes_break_the_contract(tiny_run, monkeypatch):
    """A package player's numpy step became a 500 'Object of type int64 is not JSON serializable', naming nothing."""
    import numpy as np

    from mvae_core.serve.engine import Engine

    engine = Engine(tiny_run)
    notes = engine.player.notes

    def numpy_steps(z, options=None, index=0):
        return [note._replace(step=np.int64(note.step)) for note in notes(z, options, index)]

    monkeypatch.setattr(engine.player, "notes", numpy_steps)
    with pytest.raises(ModelError, match=r"^model 'melody_rnn' \(built-in\): player\(\)\.notes returned Note\(step="):
        engine.current_loop()
