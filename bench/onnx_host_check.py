"""Does a host of an exported graph play what ``mvae generate`` writes? Counted over many points.

Exports the model (``mvae export``'s code, ~10 s), then for ``--points`` random latent points (``1.5·N(0, I)``)
decodes each with ``model.decode_notes`` and with ``examples/onnx_host.py`` (onnxruntime, numpy, nothing of mvae)
fed the same uniform numbers (:func:`~mvae_core.generation.pattern_rng`), at generate's default options and at
``temperature 0``; for a graph of one call per pattern (``seed``) also with ``--poly`` (at both) and the ancestor's
thresholds (``--threshold-min 0.05``, with and without ``--poly``). Prints, per option set, how many patterns have
the same notes (steps and rows), how many notes those hold, and the largest difference in velocity, duration or
offset among them; ends with one JSON line.

    .venv/bin/python bench/onnx_host_check.py [--run RUN ...] [--model NAME] [--points 256]

Without ``--run`` it checks an untrained model of the default size (``--model``, default the default model).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import tempfile
from pathlib import Path
from types import ModuleType

import torch

from mvae_core.config import MvaeConfig, build_config
from mvae_core.errors import MvaeError
from mvae_core.generation import DecodeOptions, pattern_rng
from mvae_core.models import build_model
from mvae_core.models.base import MelodyModel
from mvae_core.run import RunDir
from mvae_core.tools.export import export_decoder

HOST = Path(__file__).resolve().parents[1] / "examples" / "onnx_host.py"


def load_host() -> ModuleType:
    """``examples/onnx_host.py`` as a module (it is a script, not part of the package)."""
    spec = importlib.util.spec_from_file_location("onnx_host", HOST)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def agreement(model, host, z: torch.Tensor, options: DecodeOptions) -> dict[str, float]:
    """Patterns with the same notes, their note count, and the largest value difference among them."""
    expected = model.decode_notes(z, options)
    same = notes = 0
    largest = 0.0
    rule = {"poly": options.poly, "threshold_min": options.threshold_min, "threshold_max": options.threshold_max}
    for i, want in enumerate(expected):
        args = (options.density, options.temperature, options.timing_temperature, pattern_rng(options, i))
        got = host.pattern(z[i].numpy(), *args, **rule)
        if [(n.step, n.row) for n in got] != [(n.step, n.row) for n in want]:
            continue
        same, notes = same + 1, notes + len(got)
        for a, b in zip(got, want, strict=True):
            largest = max(
                largest, abs(a.velocity - b.velocity), abs(a.duration - b.duration), abs(a.offset - b.timeshift)
            )
    return {"patterns": len(expected), "same_notes": same, "notes": notes, "max_value_diff": largest}


def bench_model(run: Path | None, name: str) -> tuple[MelodyModel, MvaeConfig]:
    """The trained model of ``run``, or untrained weights of the model ``name`` at the rows MIDI 48..71 (a number,
    as a trained run's config holds: the sidecar's ``pitch_low``) (:class:`MvaeError` when neither can be made)."""
    if run is not None:
        return RunDir(run).load_model()
    cfg = build_config(None, [f"model.name={json.dumps(name)}", "data.pitch_low=48"])
    return build_model(cfg).eval(), cfg


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--run", type=Path, action="append", default=[], help="a trained run, either model (repeatable)"
    )
    parser.add_argument("--model", default=MvaeConfig().model.name, help="[model] name of the untrained model")
    parser.add_argument("--points", type=int, default=256, help="latent points per option set, >= 1 (default 256)")
    args = parser.parse_args()
    if args.points < 1:
        parser.error(f"--points {args.points}: give at least 1")
    torch.manual_seed(0)
    module = load_host()
    option_sets = {"default options": DecodeOptions(), "temperature 0": DecodeOptions(temperature=0)}
    cell_rules = {
        "poly": DecodeOptions(poly=True),
        "poly, temperature 0": DecodeOptions(poly=True, temperature=0),
        "threshold-min 0.05": DecodeOptions(threshold_min=0.05),
        "threshold-min 0.05, poly": DecodeOptions(threshold_min=0.05, poly=True),
    }
    results = {}
    for run in args.run or [None]:
        try:
            model, cfg = bench_model(run, args.model)
        except MvaeError as error:  # a run that is not one, a model name no package provides
            parser.error(str(error))
        with tempfile.TemporaryDirectory(prefix="mvae-bench-") as folder:  # the export is removed after its rows
            path = Path(folder) / "decoder.onnx"
            export_decoder(model, cfg, path, {"run": str(run or "untrained")})
            host = module.open_host(path)
            z = torch.randn(args.points, cfg.model.latent_dim, generator=torch.Generator().manual_seed(7)) * 1.5
            rules = option_sets | (cell_rules if isinstance(host, module.PatternHost) else {})
            for name, options in rules.items():
                row = agreement(model, host, z, options)
                results[f"{run or 'untrained'}, {name}"] = row
                print(f"{run or 'untrained'}, {name}: {row['same_notes']}/{row['patterns']} patterns with the same "
                      f"notes ({row['notes']} notes), largest value difference {row['max_value_diff']:.1e}")  # fmt: skip
    print(json.dumps({"bench": "onnx_host_check", "points": args.points, "results": results}))


if __name__ == "__main__":
    main()
