"""Tests of the step_transformer model: its settings, mvae's contract checked with mvae's own checks (the live player
against decode_notes too), then a real training through mvae's Python API (train, resume, generate, evaluate)."""

from __future__ import annotations

from pathlib import Path

import pretty_midi
import pytest
import torch
from mvae_step_transformer import StepTransformer
from pydantic import ValidationError

import mvae_core
from mvae_core.config import build_config
from mvae_core.errors import ConfigError
from mvae_core.generation import DecodeOptions
from mvae_core.models import (
    available_models,
    build_model,
    check_cells,
    check_decoder_modules,
    check_notes,
    check_player,
    check_terms,
    resolve_model,
)
from mvae_core.models.base import UnsupportedOption

SMALL = ['model.name="step_transformer"', "model.hidden=16", "train.batch_size=16", "model.step_transformer.width=16"]


def test_settings_refuse_heads_that_do_not_divide_the_width():
    assert StepTransformer.Settings().width == 64
    with pytest.raises(ValidationError, match="heads \\(3\\) must divide width \\(64\\)"):
        StepTransformer.Settings(heads=3)
    with pytest.raises(ValidationError):
        StepTransformer.Settings(layres=3)  # a typo in [model.step_transformer] is an error, not ignored


def test_mvae_finds_the_installed_model_and_checks_its_section_and_config():
    assert available_models()["step_transformer"].model_class() is StepTransformer  # as `mvae models` checks it
    cls, settings = resolve_model(build_config(None, [*SMALL, "model.step_transformer.layers=3"]))
    assert cls is StepTransformer and settings.layers == 3
    with pytest.raises(ConfigError, match="heads \\(3\\) must divide width \\(16\\)"):
        resolve_model(build_config(None, [*SMALL, "model.step_transformer.heads=3"]))
    with pytest.raises(ConfigError, match=r"^model\.timing_head = 'mse': step_transformer has only the categorical"):
        resolve_model(build_config(None, [*SMALL, 'model.timing_head="mse"']))


def loops(batch: int, pitch_classes: int) -> torch.Tensor:
    """``x [batch, 4, pitch_classes, 32]`` as mvae feeds a model: an ascending line of 8th notes per loop."""
    x = torch.zeros(batch, 4, pitch_classes, 32)
    for i in range(batch):
        for step in range(0, 32, 2):
            row = (i + step // 2) % pitch_classes
            x[i, :, row, step] = torch.tensor([1.0, 0.7, 0.1, 0.2 * ((step // 2) % 3 - 1)])
    return x


@pytest.mark.parametrize("options", [DecodeOptions(seed=3), DecodeOptions(temperature=0), DecodeOptions(poly=True)])
def test_the_model_keeps_mvaes_contract(options):
    config = build_config(None, SMALL)
    model = build_model(config)  # as mvae builds it, after resolving [model] name through the entry point
    check_decoder_modules("step_transformer", model)
    pitch_classes = config.data.pitch_classes
    x = loops(6, pitch_classes)
    check_terms("step_transformer", model.loss_terms(x, model(x), config.loss.mask))  # a training step
    model.eval()
    z = torch.randn(6, config.model.latent_dim, generator=torch.Generator().manual_seed(0))
    check_cells("step_transformer", model.predict_cells(x, z), x)
    check_notes("step_transformer", model.decode_notes(z, options), len(z), pitch_classes)
    check_player("step_transformer", model, z, options)  # mvae serve's notes are generate's


def test_the_model_has_no_onnx_export():
    model = build_model(build_config(None, SMALL))
    with pytest.raises(UnsupportedOption, match="has no ONNX export"):
        model.onnx_graph(build_config(None, SMALL))


def write_melodies(folder: Path, n_files: int = 6, loops_per_file: int = 4) -> Path:
    """Monophonic 2-bar loops at 120 bpm (a 16th = 0.125 s), a little off the grid."""
    folder.mkdir(parents=True)
    for f in range(n_files):
        midi = pretty_midi.PrettyMIDI(initial_tempo=120.0)
        piano = pretty_midi.Instrument(program=0)
        for loop in range(loops_per_file):
            for i in range(8):
                start = (loop * 32 + i * 4) * 0.125 + 0.01 * ((i + f) % 3 - 1)
                pitch = 60 + (2 * i + f + loop) % 12
                piano.notes.append(pretty_midi.Note(90, pitch, max(0.0, start), start + 0.4))
        midi.instruments.append(piano)
        midi.write(str(folder / f"melody_{f}.mid"))
    return folder


def test_a_run_trains_resumes_generates_and_evaluates(tmp_path):
    data, out = write_melodies(tmp_path / "data"), tmp_path / "run"
    overrides = [*SMALL, 'data.cache_dir="none"']
    assert mvae_core.train([data], out, overrides=overrides, plugins=[], epochs=1, progress=False).outcome == "trained"
    resumed = mvae_core.train(out=out, resume=True, epochs=2, progress=False)
    assert resumed.outcome == "trained" and [r["epoch"] for r in resumed.metrics()] == [0, 1]
    run = mvae_core.load(out)
    assert type(run.model) is StepTransformer and run.model.settings.width == 16
    generated = run.generate(random=3, seed=5)
    played = run.player().notes(generated.paths[1][0].numpy(), generated.options, index=1)
    assert [(n.step, n.row) for n in played] == [(n.step, n.row) for n in generated.loops[1][0]]
    with pytest.warns(mvae_core.TrainedOnWarning):  # scored on the files it trained on, as it says
        scores = run.evaluate([data], samples=16)
    assert set(scores["pitch"]) >= {"in_key", "mean_interval"}
