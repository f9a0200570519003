"""Cost of the five built-in plugins: median epoch time with ``--plugins all`` vs ``--plugins none``.

Same data (WJD solos of ../shared/data/dev, no augmentation, rows MIDI 48..71 as docs/benchmarks.md measured them),
model, seed and thread count (1); the two variants alternate for ``--rounds`` rounds of ``--epochs`` epochs each, in
fresh run directories (checkpoints included, as in ``mvae train``). Prints the median seconds per epoch of each and
their ratio. Skips when the data is absent.

    .venv/bin/python bench/plugin_overhead.py [--data DIR] [--rounds 3] [--epochs 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path

import torch
from bench_args import count, folder  # bench/bench_args.py, beside this script

from mvae_core.config import build_config
from mvae_core.data.load import load_dataset
from mvae_core.data.split import split_by_source
from mvae_core.host import PluginHost
from mvae_core.run import RunDir
from mvae_core.trainer import Trainer

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "dev" / "wjd_performed"


def epoch_seconds(data: Path, plugins: str, epochs: int) -> float:
    cfg = build_config(
        None, ["data.transpositions=[]", "data.pitch_low=48"], {"train.epochs": epochs, "plugins.enabled": [plugins]}
    )
    table, _ = load_dataset([str(data)], cfg.data)
    train, val, _ = split_by_source(table, cfg.data, cfg.train.seed)
    with tempfile.TemporaryDirectory() as run_dir:
        trainer = Trainer(cfg, train, val, PluginHost.from_config(cfg.plugins), RunDir(Path(run_dir)))
        seconds: list[float] = []
        trainer.fit(on_epoch_end=lambda record: seconds.append(record["seconds"]))
    return statistics.median(seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=folder, help=f"MIDI folder (default {DEFAULT_DATA}; skipped where absent)")
    parser.add_argument("--rounds", type=count, default=3)
    parser.add_argument("--epochs", type=count, default=3)
    args = parser.parse_args()
    args.data = args.data or DEFAULT_DATA  # a --data given is a folder (checked by the parser)
    if not args.data.is_dir():
        print(f"skipped: {args.data} is absent")
        sys.exit(0)
    torch.set_num_threads(1)
    times: dict[str, list[float]] = {"all": [], "none": []}
    for round_ in range(args.rounds):
        for variant in ("none", "all") if round_ % 2 == 0 else ("all", "none"):
            times[variant].append(epoch_seconds(args.data, variant, args.epochs))
            print(f"round {round_ + 1}: --plugins {variant}: {times[variant][-1]:.2f} s/epoch", flush=True)
    all_, none = statistics.median(times["all"]), statistics.median(times["none"])
    print(f"median s/epoch: all five plugins {all_:.2f}, none {none:.2f}; ratio all/none {all_ / none:.3f}")
    print(
        json.dumps({"benchmark": "plugin_overhead", "all": times["all"], "none": times["none"], "ratio": all_ / none})
    )


if __name__ == "__main__":
    main()
