"""Tests of the wide_seed model: its settings, mvae's contract checked with mvae's own checks, then a real training
through mvae's Python API (train, resume, generate, the live player, ONNX export)."""

from __future__ import annotations

import importlib.metadata
import json
import tomllib
from pathlib import Path

import pretty_midi
import pytest
import torch
from mvae_wide_seed import WideSeed
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

SMALL = ['model.name="wide_seed"', "model.hidden=16", "train.batch_size=16"]  # a small model: fast tests


def test_settings_have_a_default_and_refuse_what_would_not_be_wide():
    assert WideSeed.Settings().width == 4
    with pytest.raises(ValidationError):
        WideSeed.Settings(width=2)  # the seed's own trunk
    with pytest.raises(ValidationError):
        WideSeed.Settings(widht=5)  # a typo in [model.wide_seed] is an error, not an ignored setting


def test_mvae_finds_the_installed_model_and_checks_its_section_and_config():
    info = available_models()["wide_seed"]
    assert info.origin == "package mvae-wide-seed" and info.version == importlib.metadata.version("mvae-wide-seed")
    assert info.model_class() is WideSeed  # checked as `mvae models` checks it: a ModelContractError names a gap
    cls, settings = resolve_model(build_config(None, [*SMALL, "model.wide_seed.width=6"]))
    assert cls is WideSeed and settings.width == 6
    with pytest.raises(ConfigError, match=r"^model\.wide_seed\.width = 2: Input should be greater than or equal to 3"):
        resolve_model(build_config(None, [*SMALL, "model.wide_seed.width=2"]))
    with pytest.raises(ConfigError, match=r"^loss\.mask = 'all': wide_seed learns velocity, duration and timing"):
        resolve_model(build_config(None, [*SMALL, 'loss.mask="all"']))


def loops(batch: int, pitch_classes: int) -> torch.Tensor:
    """``x [batch, 4, pitch_classes, 32]`` as mvae feeds a model: an ascending line of 8th notes per loop."""
    x = torch.zeros(batch, 4, pitch_classes, 32)
    for i in range(batch):
        for step in range(0, 32, 2):
            row = (i + step // 2) % pitch_classes
            x[i, :, row, step] = torch.tensor([1.0, 0.7, 0.1, 0.2 * ((step // 2) % 3 - 1)])
    return x


def test_the_model_keeps_mvaes_contract():
    config = build_config(None, [*SMALL, "model.wide_seed.width=5"])
    model = build_model(config)  # as mvae builds it, after resolving [model] name through the entry point
    assert model.from_z[0].out_features == 5 * 16 and all(head[0][0].in_features == 80 for head in model.heads)
    check_decoder_modules("wide_seed", model)
    pitch_classes = config.data.pitch_classes
    x = loops(6, pitch_classes)
    terms = model.loss_terms(x, model(x), config.loss.mask)  # training mode, gradients on: a training step
    check_terms("wide_seed", terms)
    model.eval()
    z = torch.randn(6, config.model.latent_dim, generator=torch.Generator().manual_seed(0))
    check_cells("wide_seed", model.predict_cells(x, z), x)
    options = DecodeOptions(seed=3)
    check_notes("wide_seed", model.decode_notes(z, options), len(z), pitch_classes)
    # the live player (the seed's numpy copy of the decoder: a change to decode must reach it too) writes
    # decode_notes' notes at every point, up to float32 rounding
    check_player("wide_seed", model, z, options)


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


def test_a_run_trains_resumes_generates_plays_and_exports(tmp_path):
    data, out = write_melodies(tmp_path / "data"), tmp_path / "run"
    overrides = [*SMALL, "model.wide_seed.width=3", 'data.cache_dir="none"']
    first = mvae_core.train([data], out, overrides=overrides, plugins=[], epochs=1, progress=False)
    assert first.outcome == "trained"
    resumed = mvae_core.train(out=out, resume=True, epochs=2, progress=False)
    assert resumed.outcome == "trained" and [r["epoch"] for r in resumed.metrics()] == [0, 1]
    run = mvae_core.load(out)
    assert type(run.model) is WideSeed and run.model.settings.width == 3
    versions = tomllib.loads((out / "config.toml").read_text(encoding="utf-8"))["provenance"]["versions"]
    assert versions["model.wide_seed"] == importlib.metadata.version("mvae-wide-seed")
    generated = run.generate(random=3, seed=5)
    assert len(generated) == 3 and all(generated.loops[i][0] for i in range(3))
    played = run.player().notes(generated.paths[1][0].numpy(), generated.options, index=1)
    assert [(n.step, n.row) for n in played] == [(n.step, n.row) for n in generated.loops[1][0]]
    onnx = run.export_onnx(tmp_path / "decoder.onnx")
    sidecar = json.loads(onnx.with_suffix(".json").read_text(encoding="utf-8"))
    assert sidecar["model"] == "wide_seed" and sidecar["format"] == "mvae-decoder-onnx/1"
