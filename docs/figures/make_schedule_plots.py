"""Draw docs/figures/schedule_<name>.png: one plot per built-in schedule, for docs/schedules.md.

Run from the repository root: ``.venv/bin/python docs/figures/make_schedule_plots.py``. Each schedule is built through
the registry (``schedules.make``) and drawn by the same function as ``mvae schedules preview --plot``
(``schedules.preview.plot_schedule``) (matplotlib, Agg canvas), sampled at 10 steps per epoch so that the plot shows the
function of fractional epochs.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from schedules import Schedule, builtin, make  # noqa: E402
from schedules.preview import plot_schedule  # noqa: E402

OUT = Path(__file__).parent
STEPS_PER_EPOCH = 10

# name → (parameters, epochs shown). The parameters are the examples docs/schedules.md describes.
FIGURES: dict[str, tuple[dict, int]] = {
    "constant": ({"value": 0.5}, 30),
    "linear": ({}, 40),  # the default: the seed's KL ramp min(1, epoch / 20)
    "step": ({"initial": 1e-3, "factor": 0.98, "every": 8}, 100),  # the seed's learning-rate decay
    "exponential": ({}, 100),
    "cosine": ({"delay": 10}, 120),
    "cyclical": ({}, 120),  # Fu et al.: M = 4 cycles of 25 epochs, R = 0.5
    "chain": (
        {
            "parts": [
                {"epochs": 10, "schedule": {"name": "linear", "epochs": 10}},
                {"schedule": {"name": "cosine", "start": 1.0, "end": 0.1, "epochs": 80}},
            ]
        },
        100,
    ),
}


def builtin_names() -> set[str]:
    return {
        value.name
        for value in vars(builtin).values()
        if isinstance(value, type) and issubclass(value, Schedule) and value.name
    }


def main() -> None:
    missing = builtin_names() - set(FIGURES)
    if missing:
        raise SystemExit(f"no figure set up for the built-in schedule(s) {sorted(missing)}: add them to FIGURES")
    for name, (params, epochs) in FIGURES.items():
        path = OUT / f"schedule_{name}.png"
        plot_schedule(make(name, **params), epochs, STEPS_PER_EPOCH, path)
        print(path.relative_to(ROOT))


if __name__ == "__main__":
    main()
