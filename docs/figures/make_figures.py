"""Draw docs/figures/loop_matrices.png: the four matrices of one training loop, as the model sees them.

Run from the repository root: ``.venv/bin/python docs/figures/make_figures.py``. It reads one file of the dev set
(``../shared/data/dev/wjd_performed``) when that folder exists, else a synthetic file written with tests/synth.py,
through the real loader (``load_dataset``) and the real batch builder (``densify``). The parse cache is not used.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from mvae_core.config import DataConfig  # noqa: E402
from mvae_core.data.batches import CHANNELS, densify  # noqa: E402
from mvae_core.data.load import load_dataset  # noqa: E402
from mvae_core.data.split import LoopSet  # noqa: E402

WJD_FILE = ROOT.parent / "shared" / "data" / "dev" / "wjd_performed" / "wjd001_ArtPepper_Anthropology.mid"
OUT = Path(__file__).with_name("loop_matrices.png")
NAMES = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"]


def source_file(scratch: Path) -> tuple[Path, str]:
    if WJD_FILE.is_file():
        return WJD_FILE, f"{WJD_FILE.name} (Weimar Jazz Database, performed)"
    from tests.synth import melody_folder

    folder = melody_folder(scratch, n_files=1, n_loops=4, seed=0)
    return folder / "melody_00.mid", "synthetic melody (tests/synth.py; dev data not found)"


def pitch_name(pitch: int) -> str:
    return f"{NAMES[pitch % 12]}{pitch // 12 - 1}"


def note_on(name: str, dense: np.ndarray, notes: np.ndarray) -> str:
    """A remark for a channel whose values are all the same (WJD has no loudness: velocity is 100 everywhere)."""
    if name != "velocity":
        return ""
    values = np.unique(dense[1][notes])
    return f"  (every note {round(values[0] * 127)}: the source has no loudness)" if len(values) == 1 else ""


def main() -> None:
    cfg = DataConfig(cache_dir="none")
    with tempfile.TemporaryDirectory() as scratch:
        path, label = source_file(Path(scratch))
        table, _ = load_dataset([str(path)], cfg)
    counts = table.notes_per_loop()
    loop = int(np.argmax(counts))  # the busiest loop of the file
    data = LoopSet(table, np.array([loop]), np.zeros(1, dtype=np.int64))
    dense = densify(data, np.array([0]), cfg.pitch_classes)[0].numpy()  # [4, pitch_classes, 32]
    notes = dense[0] > 0

    fig, axes = plt.subplots(4, 1, figsize=(10, 11.5), sharex=True, constrained_layout=True)
    styles = {
        "onset": ("Greys", 0.0, 1.0, "0 / 1 (also the note mask)"),
        "velocity": ("viridis", 0.0, 1.0, "MIDI velocity / 127"),
        "duration": ("viridis", 0.0, 1.0, f"steps / {cfg.max_duration_steps:g} (clipped at 1)"),
        "timeshift": ("RdBu_r", -1.0, 1.0, "half-steps from the grid line (+ = late)"),
    }
    for channel, (ax, name) in enumerate(zip(axes, CHANNELS, strict=True)):
        cmap_name, vmin, vmax, unit = styles[name]
        cmap = plt.get_cmap(cmap_name).copy()
        cmap.set_bad("#e6e6e6")  # cells without a note (0 in every channel) are grey in the value channels
        values = dense[channel] if name == "onset" else np.ma.masked_where(~notes, dense[channel])
        image = ax.imshow(values, origin="lower", aspect="auto", cmap=cmap, vmin=vmin, vmax=vmax,
                          interpolation="nearest", extent=(-0.5, 31.5, -0.5, cfg.pitch_classes - 0.5))  # fmt: skip
        for beat in range(4, 32, 4):
            ax.axvline(beat - 0.5, color="#999999", lw=0.6, ls=":")
        ax.axvline(15.5, color="black", lw=1.6)  # bar line: 2 bars of 4/4 per loop
        rows = list(range(0, cfg.pitch_classes, 4))
        ax.set_yticks(rows, [f"{r}: {pitch_name(cfg.pitch_low + r)}" for r in rows], fontsize=8)
        ax.set_ylabel("row: pitch")
        ax.set_title(f"channel {channel}: {name}{note_on(name, dense, notes)}", loc="left", fontsize=11)
        fig.colorbar(image, ax=ax, pad=0.01, fraction=0.03).set_label(unit, fontsize=8)
    axes[-1].set_xticks(range(0, 32, 4), [f"{s}\n{s // 16 + 1}.{s % 16 // 4 + 1}" for s in range(0, 32, 4)])
    axes[-1].set_xlabel("16th step (below: bar.beat); solid line = bar line, dotted = beats")
    seconds = float(table.seconds_per_step[loop])
    fig.suptitle(
        f"One loop = 4 matrices of {cfg.pitch_classes} pitch rows × 32 steps\n"
        f"{label}, loop {loop}: {int(counts[loop])} notes, {seconds * 1000:.0f} ms per step",
        fontsize=11,
    )
    fig.savefig(OUT, dpi=110)
    print(f"wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
