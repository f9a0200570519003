"""The musician's tools end to end: encode, interpolate, bend, map, plot, export; bad input exits 2."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import numpy as np
import pretty_midi
import pytest
import torch
from safetensors.torch import load_file
from typer.testing import CliRunner

from mvae_core.cli import app
from mvae_core.data.load import load_dataset
from mvae_core.data.split import split_by_source
from mvae_core.generation import DecodeOptions, render_loops
from mvae_core.loop_file import notes_to_midi
from mvae_core.models.base import MelodyModel
from mvae_core.models.melody_rnn import MelodyRNN
from mvae_core.run import RunDir
from mvae_core.tools import ToolError
from mvae_core.tools.encode import file_loops
from mvae_core.tools.interpolate import file_point, line
from mvae_core.tools.latent_map import plane_points
from tests.bench import load_bench
from tests.host_options import OPTION_SETS, SEED_OPTION_SETS
from tests.side_by_side import run_together

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[1]
# Long enough (30 quick epochs, no augmentation) that the latent separates the fixture's four melodies.
TRAIN = ["--set", "model.hidden=32", "--set", "train.batch_size=16", "--set", "train.lr=0.01"]
TRAIN += ["--set", "data.transpositions=[]", "--plugins", "none", "--seed", "1"]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def mvae(*args: object):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


def one_line(result) -> str:
    return " ".join(result.output.split())


@pytest.fixture(scope="module")
def run(pattern_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("tools") / "run"
    result = mvae("train", pattern_dir, *TRAIN, "--epochs", 30, "--out", out)
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def train_file(run: Path, pattern_dir: Path) -> Path:
    """A file of the run's train split (the split is by file, seeded: recomputed here as training made it)."""
    cfg = RunDir(run).read_config()
    table, _ = load_dataset([str(pattern_dir)], cfg.data)
    train, _, _ = split_by_source(table, cfg.data, cfg.train.seed)
    return Path(sorted(train.sources)[0])


def test_encode_then_decode_recovers_a_training_loops_onsets(run, train_file):
    result = mvae("encode", run, train_file, "--json")
    assert result.exit_code == 0, result.output
    record = json.loads(result.output)
    assert record["latent_dim"] == 2 and [loop["loop"] for loop in record["loops"]] == list(range(6))
    assert all(len(loop["mu"]) == len(loop["std"]) == 2 and min(loop["std"]) > 0 for loop in record["loops"])
    model, cfg = RunDir(run).load_model()
    x, notes, _ = file_loops(train_file, cfg)
    assert [loop["notes"] for loop in record["loops"]] == notes.tolist()
    most_likely = DecodeOptions(temperature=0)
    loops = model.decode_notes(torch.tensor([loop["mu"] for loop in record["loops"]]), most_likely)
    recovered = total = 0
    for i in range(x.shape[0]):
        true = set(zip(*np.nonzero(x[i, 0].numpy()), strict=True))
        decoded = {(n.row, n.step) for n in loops[i]}
        recovered, total = recovered + len(true & decoded), total + len(true)
    assert recovered / total >= 0.8  # an untrained or collapsed model recovers about a third (the common steps)


def test_encode_prints_a_table(run, train_file):
    result = mvae("encode", run, train_file)
    assert result.exit_code == 0 and "mu[1]" in result.output and "std[0]" in result.output


def test_interpolation_endpoints_are_exactly_the_encodings(run, pattern_dir, tmp_path):
    model, cfg = RunDir(run).load_model()
    a_file, b_file = sorted(pattern_dir.glob("*.mid"))[:2]
    a, b = file_point(model, cfg, a_file, 1), file_point(model, cfg, b_file, 1)
    points = line(a, b, 5)
    assert torch.equal(points[0], a) and torch.equal(points[-1], b)
    assert torch.allclose(points[2], (a + b) / 2)

    out = tmp_path / "line"
    args = ["--from-midi", a_file, "--to-midi", b_file, "--loop", 1, "--steps", 5]
    args += ["--temperature", 0, "--timing-temperature", 0]  # deterministic decoding: files comparable to the ends
    result = mvae("interpolate", run, *args, "--one-file", "--out", out)
    assert result.exit_code == 0, result.output
    files = sorted(out.glob("0*.mid"))
    assert len(files) == 5 and all("_z_" in f.name for f in files)
    options = DecodeOptions(temperature=0, timing_temperature=0)
    for file, end in ((files[0], a), (files[-1], b)):
        expected = notes_to_midi(render_loops(model, end[None], options)[0], cfg, options).instruments[0].notes
        written = pretty_midi.PrettyMIDI(str(file)).instruments[0].notes
        assert [(n.pitch, n.velocity) for n in written] == [(n.pitch, n.velocity) for n in expected]
        assert [n.start for n in written] == pytest.approx([n.start for n in expected], abs=1e-6)
    whole = pretty_midi.PrettyMIDI(str(out / "interpolation.mid")).instruments[0].notes
    assert len(whole) == sum(len(pretty_midi.PrettyMIDI(str(f)).instruments[0].notes) for f in files)


def test_interpolate_between_points(run, tmp_path):
    result = mvae("interpolate", run, "--from", "-1,0", "--to", "1,0.5", "--steps", 3, "--out", tmp_path)
    assert result.exit_code == 0, result.output
    assert sorted(f.name for f in tmp_path.glob("*.mid")) == [
        "000_z_-1.00_+0.00.mid",
        "001_z_+0.00_+0.25.mid",
        "002_z_+1.00_+0.50.mid",
    ]


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_bend_changes_only_the_copys_decoder(run, tmp_path):
    before = _digests(run)
    bent = tmp_path / "bent"
    result = mvae("bend", run, "--sigma", 0.3, "--seed", 7, "--out", bent)
    assert result.exit_code == 0, result.output
    assert " decoder tensors bent (sigma 0.3 × each tensor's std, seed 7)" in " ".join(result.output.split())
    assert _digests(run) == before  # the source run is only read
    assert {p.name for p in bent.iterdir()} == {"config.toml", "metrics.jsonl", "data_report.json", "model.safetensors"}
    source, changed = load_file(run / "model.safetensors"), load_file(bent / "model.safetensors")
    decoder_modules = RunDir(run).load_model()[0].decoder_modules
    assert decoder_modules == ("z_to_state", "token_embedding", "position", "gru", "to_token", "note_head")
    for name, tensor in source.items():
        decoder = name.split(".")[0] in decoder_modules
        learnable = not name.endswith(("running_mean", "running_var", "num_batches_tracked"))
        assert torch.equal(tensor, changed[name]) != (decoder and learnable and tensor.std() > 0), name
    # relative noise: the added noise's std is sigma × the tensor's own std
    weight = source["gru.weight_hh_l0"]
    assert (changed["gru.weight_hh_l0"] - weight).std() / weight.std() == pytest.approx(0.3, rel=0.1)
    record = tomllib.loads((bent / "config.toml").read_text())["provenance"]["bend"]
    assert record["sigma"] == 0.3 and record["seed"] == 7 and record["layers"] == "decoder"
    assert Path(record["source"]) == run.resolve() and "gru.weight_hh_l0" in record["tensors"]
    generated = mvae("generate", bent, "--random", 2, "--out", tmp_path / "samples")
    assert generated.exit_code == 0, generated.output
    assert len(list((tmp_path / "samples").glob("*.mid"))) == 2
    again = mvae("bend", run, "--sigma", 0.3, "--seed", 7, "--out", bent)
    assert again.exit_code == 2 and "already exists" in again.output


def test_bend_all_layers_changes_the_encoder_too(run, tmp_path):
    bent = tmp_path / "bent"
    result = mvae("bend", run, "--sigma", 0.1, "--layers", "all", "--out", bent)
    said = " ".join(result.output.split())
    assert result.exit_code == 0 and " tensors of every layer bent (sigma 0.1" in said  # it said '24 all tensors bent'
    source, changed = load_file(run / "model.safetensors"), load_file(bent / "model.safetensors")
    assert not torch.equal(source["encoder.branch_weight"], changed["encoder.branch_weight"])
    assert torch.equal(source["encoder.branch_rest.0.running_var"], changed["encoder.branch_rest.0.running_var"])


def test_map_and_plot_write_pngs(run, tmp_path):
    result = mvae("map", run, "--out", tmp_path / "map.png", "--grid", 3)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "map.png").read_bytes()[:8] == PNG_SIGNATURE
    assert "3×3 cells" in result.output
    result = mvae("plot", run, "--out", tmp_path / "curves.png")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "curves.png").read_bytes()[:8] == PNG_SIGNATURE


def test_curves_read_nulls_and_events():
    from mvae_core.tools.curves import events, series

    records = [
        {"epoch": 0, "timing_spread_ratio": None, "events": []},
        {"epoch": 1, "timing_spread_ratio": 0.5, "events": [{"source": "p", "level": "stop", "message": "done"}]},
    ]
    assert np.isnan(series(records, "timing_spread_ratio")[0]) and series(records, "timing_spread_ratio")[1] == 0.5
    assert np.isnan(series(records, "timing_std", "data")).all()  # older runs have no timing_std
    assert events(records) == [(2, "stop", "p: done")]  # epochs counted from 1 in the plot


def test_plot_draws_the_numbers_plugins_recorded_when_asked(tmp_path):
    from mvae_core.tools import ToolError
    from mvae_core.tools.curves import draw_curves, metric_lines

    records = [
        {"epoch": 0, "plugins": {"fb": {"kl_per_dim": [0.1, 0.2], "below": 2}}},
        {"epoch": 1, "plugins": {"fb": {"kl_per_dim": [0.3, None], "below": 1}}},
        {"epoch": 2},
    ]
    lines = metric_lines(records, "plugins.fb")
    assert list(lines) == ["plugins.fb.kl_per_dim[0]", "plugins.fb.kl_per_dim[1]", "plugins.fb.below"]
    assert lines["plugins.fb.kl_per_dim[0]"][:2] == [0.1, 0.3] and np.isnan(lines["plugins.fb.kl_per_dim[1]"][1])
    assert np.isnan(lines["plugins.fb.below"][2])  # an epoch that recorded nothing leaves a gap
    with pytest.raises(ToolError, match=r"^metrics entry 'plugins.fb.kl': no number there.*plugins.fb.below"):
        metric_lines(records, "plugins.fb.kl")
    losses = {"train": {"kl": 1.0, "onset": 9.0}, "val": {"kl": 1.2, "onset": 9.5}, "val_elbo": 11.0, "lr": 1e-3}
    draw_curves([r | losses for r in records], tmp_path / "c.png", "t", ["plugins.fb", "plugins.fb.below", "epoch"])
    assert (tmp_path / "c.png").read_bytes()[:8] == PNG_SIGNATURE


def test_plane_points_cover_the_plane_with_other_dimensions_at_zero():
    axis, points = plane_points(3, 2.0, 4)
    assert axis.tolist() == [-2.0, 0.0, 2.0]
    assert points.shape == (9, 4) and not points[:, 2:].any()
    assert points[0].tolist()[:2] == [-2.0, -2.0] and points[1].tolist()[:2] == [0.0, -2.0]
    with pytest.raises(ToolError, match="latent_dim >= 2"):
        plane_points(3, 2.0, 1)


@pytest.mark.parametrize(
    "args,expected",
    [
        (["interpolate", "{run}", "--from", "1,2,3", "--to", "0,0", "--out", "{tmp}"], "--from needs 2 numbers"),
        (["interpolate", "{run}", "--from", "1,x", "--to", "0,0", "--out", "{tmp}"], "expected comma-separated"),
        (["interpolate", "{run}", "--to", "0,0", "--out", "{tmp}"], "give exactly one of --from"),
        (["interpolate", "{run}", "--from", "0,0", "--to", "1,1", "--steps", "1", "--out", "{tmp}"], "between 2"),
        (["interpolate", "{run}", "--from", "0,0", "--to", "1,1", "--tempo", "0", "--out", "{tmp}"], "--tempo must"),
        (["interpolate", "{run}", "--from", "0,0", "--to-midi", "{midi}", "--loop", "9", "--out", "{tmp}"], "--loop 9"),
        (["encode", "{tmp}/no-run", "{midi}"], "no run directory there"),
        (["encode", "{tmp}", "{midi}"], "is not a run: no config.toml there"),
        (["encode", "{run}", "{run}/config.toml"], "not a MIDI file"),
        (["encode", "{run}", "{tmp}/fake.mid"], "no loop to encode (not a MIDI file"),
        (["encode", "{run}", "{tmp}/absent.mid"], "no such file"),
        (["bend", "{run}", "--sigma", "-1", "--out", "{tmp}/b"], "--sigma must be a finite number >= 0"),
        (
            ["bend", "{run}", "--sigma", "0.1", "--seed", "-1", "--out", "{tmp}/b"],
            "--seed must be between 0 and 9223372036854775807 (as train.seed), got -1",
        ),
        (["bend", "{run}", "--sigma", "1", "--layers", "encoder", "--out", "{tmp}/b"], "--layers must be"),
        (["map", "{run}", "--grid", "1", "--out", "{tmp}/m.png"], "--grid must be between 2 and 32"),
        (["plot", "{tmp}", "--out", "{tmp}/c.png"], "is not a run: no config.toml there; it holds runs"),
        (["plot", "{tmp}/no-run", "--out", "{tmp}/c.png"], "no run directory there"),
        (["plot", "{tmp}/half", "--out", "{tmp}/c.png"], "no metrics.jsonl there: no epoch has finished yet"),
        (["export", "{run}", "--onnx", "{tmp}/decoder.bin"], "must end in .onnx"),
    ],
)
def test_bad_input_exits_2_with_one_line(run, pattern_dir, tmp_path, args, expected):
    (tmp_path / "fake.mid").write_text("not midi")
    (tmp_path / "half").mkdir()  # a run stopped before its first epoch: its config.toml and nothing else
    shutil.copy(run / "config.toml", tmp_path / "half")
    midi = sorted(pattern_dir.glob("*.mid"))[0]
    result = mvae(*(a.format(run=run, tmp=tmp_path, midi=midi) for a in args))
    assert result.exit_code == 2, result.output
    assert expected in one_line(result) and "Traceback" not in result.output
    assert not (tmp_path / "b").exists()


@pytest.mark.parametrize(
    "module,args,extra",
    [
        ("matplotlib", ["map", "{run}", "--out", "{tmp}/m.png"], "plot"),
        ("matplotlib", ["plot", "{run}", "--out", "{tmp}/c.png"], "plot"),
        ("onnxscript", ["export", "{run}", "--onnx", "{tmp}/d.onnx"], "onnx"),
    ],
)
def test_a_missing_extra_exits_2_naming_the_install(run, tmp_path, monkeypatch, module, args, extra):
    find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == module else find_spec(name, *a))
    result = mvae(*(a.format(run=run, tmp=tmp_path) for a in args))
    assert result.exit_code == 2 and f"pip install 'mvae[{extra}]'" in one_line(result)
    assert not any(tmp_path.iterdir())


def test_export_of_a_model_without_one_exits_2_naming_the_models_with_one(run, tmp_path, monkeypatch):
    monkeypatch.setattr(MelodyRNN, "onnx_graph", MelodyModel.onnx_graph)  # as a third-party model without one
    result = mvae("export", run, "--onnx", tmp_path / "d.onnx")
    assert result.exit_code == 2
    assert "model 'melody_rnn' has no ONNX export; models with an export: seed" in one_line(result)
    assert not any(tmp_path.iterdir())


ONNX_HOST_CHECK = load_bench("onnx_host_check.py")
"""bench/onnx_host_check.py: its ``load_host`` and its comparison of a host's notes with generate's, reused here."""
onnx_host = ONNX_HOST_CHECK.load_host


@pytest.fixture(scope="module")
def step_export(run: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The melody_rnn run exported, its two files alone in a folder (all a host gets)."""
    onnx_file = tmp_path_factory.mktemp("export") / "decoder.onnx"
    result = mvae("export", run, "--onnx", onnx_file)
    assert result.exit_code == 0, result.output
    elsewhere = tmp_path_factory.mktemp("host")
    shutil.copy(onnx_file.with_suffix(".json"), elsewhere)
    return Path(shutil.copy(onnx_file, elsewhere))


def assert_host_plays_what_generate_writes(host, model, option_sets: list[DecodeOptions]) -> None:
    """examples/onnx_host.py, given the uniform numbers generate uses, writes generate's notes at 6 points."""
    z = torch.randn(6, model.latent_dim, generator=torch.Generator().manual_seed(4)) * 1.5
    for options in option_sets:
        if options.poly:  # the comparison sees steps with several notes, which share one offset
            assert any(len({n.step for n in notes}) < len(notes) for notes in model.decode_notes(z, options))
        result = ONNX_HOST_CHECK.agreement(model, host, z, options)
        assert result["same_notes"] == len(z), (options, result)
        assert result["notes"] > 20, (options, result)  # notes, and offsets off the grid among them
        assert result["max_value_diff"] <= 1e-5, (options, result)


def test_a_host_of_the_melody_rnn_step_graph_plays_what_generate_writes(run, step_export):
    host = onnx_host().open_host(step_export)
    assert host.sidecar["model"] == "melody_rnn" and host.sidecar["format"] == "mvae-step-onnx/1"
    assert_host_plays_what_generate_writes(host, RunDir(run).load_model()[0], OPTION_SETS)


@pytest.mark.parametrize("grid_offset", [0.7, 2.0])
def test_the_host_times_notes_as_generate_writes_them(run, step_export, grid_offset):
    """examples/onnx_host.py's seconds are generate's (within a tick of its MIDI file), an exaggerated feel too:
    at grid offset 2 a late note and an early one of the next step keep their order in both."""
    from mvae_core.generation import DecodeOptions, Note
    from mvae_core.loop_file import STEP_TICKS, loop_notes_json, step_seconds, timed_notes

    module = onnx_host()
    grid = [module.GridNote(0, 1, 0.7, 0.3, -0.4), module.GridNote(4, 0, 0.8, 0.2, 0.8),
            module.GridNote(5, 7, 0.8, 1.0, -0.8), module.GridNote(31, 2, 0.8, 1.0, 0.9)]  # fmt: skip
    played = module.open_host(step_export).timed(grid, 97.0, grid_offset)
    notes = [Note(n.step, n.row, n.velocity, n.duration, n.offset) for n in grid]
    written = loop_notes_json(timed_notes([notes], RunDir(run).read_config(), DecodeOptions(grid_offset=grid_offset,
                              tempo=97.0)), 97.0)  # fmt: skip
    assert [n["step"] for n in played] == [n["step"] for n in written] == [0, 4, 5, 31]
    assert [n["pitch"] for n in played] == [n["pitch"] for n in written]
    tick = step_seconds(97.0) / STEP_TICKS
    for field in ("start", "end"):
        np.testing.assert_allclose([n[field] for n in played], [n[field] for n in written], rtol=0, atol=tick)


def test_a_host_of_the_step_graph_refuses_the_seed_models_note_rules(step_export):
    module = onnx_host()
    host = module.open_host(step_export)
    for rule in ({"poly": True}, {"threshold_min": 0.1}, {"threshold_max": 0.9}):
        with pytest.raises(module.UnsupportedRule, match="need a seed model's export"):
            host.pattern(np.zeros(2), **rule)


def test_the_step_graph_takes_any_batch_size_and_patterns_do_not_mix(step_export):
    import onnxruntime

    sidecar = json.loads(step_export.with_suffix(".json").read_text())
    session = onnxruntime.InferenceSession(str(step_export), providers=["CPUExecutionProvider"])
    assert [i.name for i in session.get_inputs()] == list(sidecar["inputs"])
    assert [o.name for o in session.get_outputs()] == list(sidecar["outputs"])
    generator = torch.Generator().manual_seed(2)
    batch = {
        "z": torch.randn(5, 2, generator=generator).numpy(),
        "token": torch.randint(0, sidecar["tokens"]["count"], (5,), generator=generator).numpy(),
        "state": torch.randn(5, sidecar["inputs"]["state"]["shape"][1], generator=generator).tanh().numpy(),
        "step": np.array(7),
    }
    together = session.run(None, batch)
    assert together[0].shape == (5, sidecar["tokens"]["count"]) and np.allclose(together[0].sum(axis=1), 1)
    for i in range(5):
        alone = session.run(
            None, {name: value if name == "step" else value[i : i + 1] for name, value in batch.items()}
        )
        for name, a, b in zip(sidecar["outputs"], alone, together, strict=True):
            np.testing.assert_allclose(a[0], b[i], rtol=0, atol=1e-6, err_msg=name)


def test_the_host_template_runs_from_the_command_line(step_export):
    script = ROOT / "examples" / "onnx_host.py"
    command = [sys.executable, script, step_export, "--z", "0.5", "-1", "--seed", "0"]
    done, wrong, poly = run_together(command, [*command[:3], "--z", "1"], [*command, "--poly"], cwd=step_export.parent)
    assert done.returncode == 0, done.stderr
    notes = [json.loads(line) for line in done.stdout.splitlines()]
    sidecar = json.loads(step_export.with_suffix(".json").read_text())
    pitches = range(sidecar["pitch_low"], sidecar["pitch_low"] + sidecar["pitch_classes"])
    assert notes and all(n["pitch"] in pitches and 1 <= n["velocity"] <= 127 for n in notes)
    assert all(0 <= n["start"] < n["end"] <= 4.0 for n in notes)  # two bars at 120 bpm
    assert wrong.returncode == 2 and "--z needs 2 numbers" in wrong.stderr
    assert poly.returncode == 2 and "--poly and --threshold-min/--threshold-max need a seed" in poly.stderr


def test_the_host_template_stops_quietly_when_its_reader_does(step_export):
    """``onnx_host.py … | head -1``: the reader closes the pipe first; no BrokenPipeError trace on stderr."""
    command = [sys.executable, ROOT / "examples" / "onnx_host.py", step_export, "--z", "0.5,-1", "--density", "3"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    process.stdout.close()  # before the host has written: it imports onnxruntime first
    stderr = process.stderr.read()
    assert process.wait(timeout=120) == 0 and stderr == ""


HOST_BAD_INPUT = [
    ("model", ["--z", "nan", "1"], ["--z", "finite"]),
    ("model", ["--z", "0.5,,1"], ['got "0.5,,1"', "--z needs finite numbers", "e.g. --z 0.5,-1"]),
    ("model", ["--z", "0", "0", "--tempo", "0"], ["--tempo", "between"]),
    ("model", ["--z", "0", "0", "--tempo", "nan"], ["--tempo", "between"]),
    ("model", ["--z", "0", "0", "--density", "-1"], ["--density", ">= 0"]),
    ("model", ["--z", "0", "0", "--temperature", "-1"], ["--temperature", ">= 0"]),
    ("model", ["--z", "0", "0", "--timing-temperature", "inf"], ["--timing-temperature", "finite"]),
    ("model", ["--z", "0", "0", "--grid-offset", "-1"], ["--grid-offset", ">= 0"]),
    ("model", ["--z", "0", "0", "--threshold-min", "2"], ["--threshold-min", "between 0 and 1"]),
    ("model", ["--z", "0", "0", "--threshold-min", "0.6", "--threshold-max", "0.4"], ["--threshold-min", "above"]),
    ("model", ["--z", "0", "0", "--seed", "-1"], ["--seed", ">= 0"]),
    ("missing", ["--z", "0", "0"], ["missing.onnx", "no such file", "mvae export"]),
    ("sidecar", ["--z", "0", "0"], ["decoder.json is the sidecar", "pass the model", "decoder.onnx"]),
]
"""(file given, options, what the one line on stderr says): bad command lines of examples/onnx_host.py."""


def host_file(onnx_file: Path, given: str) -> Path:
    """The file a host command is given: the model, its sidecar (a mistake) or a model that is not there."""
    return {
        "model": onnx_file,
        "sidecar": onnx_file.with_suffix(".json"),
        "missing": onnx_file.with_name("missing.onnx"),
    }[given]


def assert_one_line_exit_2(done: subprocess.CompletedProcess, says: list[str]) -> None:
    """A bad-input refusal: exit code 2, nothing on stdout, one line on stderr saying ``says``, no stack trace."""
    assert done.returncode == 2, (done.returncode, done.stderr)
    assert not done.stdout and "Traceback" not in done.stderr and "    at " not in done.stderr, done.stderr
    assert len(done.stderr.splitlines()) == 1 and all(part in done.stderr for part in says), done.stderr


@pytest.mark.parametrize(("given", "options", "says"), HOST_BAD_INPUT, ids=[says[0] for _, _, says in HOST_BAD_INPUT])
def test_the_host_template_refuses_bad_input_with_one_line(step_export, given, options, says):
    command = [sys.executable, ROOT / "examples" / "onnx_host.py", host_file(step_export, given), *options]
    assert_one_line_exit_2(subprocess.run(command, capture_output=True, text=True, timeout=120), says)


def test_the_host_template_takes_the_latent_point_with_commas_too(step_export):
    command = [sys.executable, ROOT / "examples" / "onnx_host.py", step_export, "--seed", "0"]
    points = {"0.5,-1": ["0.5", "-1"], "-1,0.5": ["-1", "0.5"]}  # given with commas: given as numbers
    done = run_together(
        *[[*command, "--z", *given] for commas, spaced in points.items() for given in (spaced, [commas])]
    )
    for commas, with_spaces, with_commas in zip(points, done[::2], done[1::2], strict=True):
        assert with_spaces.returncode == 0, with_spaces.stderr
        assert with_commas.returncode == 0, with_commas.stderr
        assert with_commas.stdout == with_spaces.stdout and with_spaces.stdout.strip(), commas


@pytest.mark.slow
@pytest.mark.parametrize("head", ["categorical", "mse"])
def test_onnx_decoder_of_the_seed_model_matches_torch(pattern_dir, tmp_path, head):
    import onnxruntime

    # the export does not depend on training: one epoch gives a real run
    source = tmp_path / head
    args = [*TRAIN, "--set", 'model.name="seed"', "--set", f"model.timing_head={head}", "--epochs", 1, "--out", source]
    assert mvae("train", pattern_dir, *args).exit_code == 0
    onnx_file = tmp_path / "decoder.onnx"
    result = mvae("export", source, "--onnx", onnx_file)
    assert result.exit_code == 0, result.output
    assert {p.name for p in tmp_path.iterdir() if p.is_file()} == {"decoder.onnx", "decoder.json"}
    elsewhere = tmp_path / "elsewhere"  # a host gets the two files and nothing else
    elsewhere.mkdir()
    shutil.copy(onnx_file.with_suffix(".json"), elsewhere)
    onnx_file = Path(shutil.copy(onnx_file, elsewhere))
    sidecar = json.loads(onnx_file.with_suffix(".json").read_text())
    model, cfg = RunDir(source).load_model()
    assert sidecar["pitch_low"] == cfg.data.pitch_low and sidecar["pitch_classes"] == cfg.data.pitch_classes
    assert sidecar["timing"]["head"] == head
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    session = onnxruntime.InferenceSession(str(onnx_file), options, providers=["CPUExecutionProvider"])
    assert [o.name for o in session.get_outputs()] == list(sidecar["outputs"])
    for batch in (1, 7):  # the batch dimension is dynamic
        z = torch.randn(batch, cfg.model.latent_dim, generator=torch.Generator().manual_seed(batch)) * 2
        got = dict(zip(sidecar["outputs"], session.run(None, {"z": z.numpy()}), strict=True))
        with torch.no_grad():
            out = model.decode(z)
        expected = {"onset": torch.sigmoid(out.onset_logits), "velocity": out.velocity, "duration": out.duration}
        if head == "categorical":
            probs = torch.softmax(out.timing_logits, dim=-1)
            expected |= {"timing_probs": probs, "timing_mean": out.timeshift[:, 0]}
            centers = torch.tensor(sidecar["timing"]["centers"])
            assert torch.allclose(centers, model.timing.centers)
            assert got["timing_probs"].shape == (batch, 32, sidecar["timing"]["n_classes"])
        else:
            expected["timeshift"] = out.timeshift
        for name, value in expected.items():
            np.testing.assert_allclose(got[name], value.numpy(), rtol=0, atol=1e-5, err_msg=name)
    host = onnx_host().open_host(onnx_file)
    assert_host_plays_what_generate_writes(host, model, OPTION_SETS + SEED_OPTION_SETS)
    z = [0.5] * cfg.model.latent_dim  # the command line passes its rule options on: the same notes as in Python
    command = [sys.executable, ROOT / "examples" / "onnx_host.py", onnx_file, "--z", *map(str, z), "--seed", "0"]
    bounds = (["--threshold-min", "0.001", "--threshold-max", "0.5"], {"threshold_min": 0.001, "threshold_max": 0.5})
    rules = ((["--poly"], {"poly": True}), bounds)
    for (flags, rule), done in zip(rules, run_together(*[[*command, *flags] for flags, _ in rules]), strict=True):
        assert done.returncode == 0, done.stderr
        expected = host.timed(host.pattern(np.array(z), rng=np.random.default_rng(0), **rule))
        assert [json.loads(line) for line in done.stdout.splitlines()] == expected, flags
        assert expected, flags


def test_the_sidecar_names_the_exported_epoch_as_the_console_counts_it(run, step_export):
    """The sidecar's ``source`` copied the model file's raw metadata: the epoch counted from 0, as a string
    (``"epoch": "2"`` for the console's epoch 3)."""
    source = json.loads(step_export.with_suffix(".json").read_text(encoding="utf-8"))["source"]
    best = min(RunDir(run).read_metrics(), key=lambda record: record["val_elbo"])
    assert source["epoch"] == best["epoch"] + 1 and isinstance(source["epoch"], int)
    assert source["val_elbo"] == pytest.approx(best["val_elbo"]) and isinstance(source["val_elbo"], float)
    assert set(source) == {"run", "mvae", "epoch", "val_elbo"} and source["run"] == str(run.resolve())
