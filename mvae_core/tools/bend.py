"""``mvae bend``: a copy of a run whose decoder weights carry Gaussian noise ("circuit bending" the model).

Noise is **relative**: every selected parameter tensor ``w`` gets ``w + ε``, ``ε ~ N(0, (sigma · std(w))²)``
elementwise, where ``std(w)`` is the population standard deviation of that tensor's own values (so ``sigma = 0.1``
moves each weight by about a tenth of its tensor's spread, whatever the layer's scale; a tensor whose values are
all equal, e.g. a bias still at 0, is left unchanged). Selected tensors are the learnable parameters (Linear weights
and biases, BatchNorm scales and shifts) of the decoder (the model's ``decoder_modules``), or of the whole model
with ``layers="all"``; BatchNorm running statistics are never changed. Draws come from one generator seeded with
``seed``, tensor by tensor in the model's parameter order, so a seed reproduces a bend.

The new run gets the source's ``config.toml`` (with a ``[provenance.bend]`` table recording source, sigma, seed,
layers and the tensors bent), ``metrics.jsonl`` and ``data_report.json``, and the bent ``model.safetensors``. It gets
no ``checkpoint.pt``: a bent model is not a training state, so it cannot be resumed. The source is only read.
"""

from __future__ import annotations

import math
import os
import shutil
import tempfile
import tomllib
from pathlib import Path
from typing import Literal

import tomli_w
import torch

from mvae_core.checkpoint import save_model
from mvae_core.config import PROVENANCE, checked_seed
from mvae_core.files import TEMPORARY_STEM, WriteFailed, folder_mode, write_problem
from mvae_core.models.base import MelodyModel
from mvae_core.run import RunDir
from mvae_core.run_files import BEST_MODEL, CONFIG, DATA_REPORT, METRICS, STEPS
from mvae_core.tools import ToolError

Layers = Literal["decoder", "all"]
COPIED = (METRICS, STEPS, DATA_REPORT)
BENT = "bend"
"""The key of a bent copy's ``model.safetensors`` metadata that says how it was bent: ``sigma=… seed=… layers=…
source=…`` (the source's ``epoch`` and ``val_elbo`` stay beside it: those of the model before the bend)."""


def how_bent(metadata: dict[str, str]) -> str | None:
    """How the model of ``metadata`` (``model.safetensors``') was bent, as :func:`bend_run` recorded it; None for a
    model that was not."""
    return metadata.get(BENT)


def bent_parameters(model: MelodyModel, layers: Layers) -> list[str]:
    """Names of the parameters ``layers`` selects, in the model's parameter order."""
    decoder = model.decoder_modules
    return [name for name, _ in model.named_parameters() if layers == "all" or name.split(".", 1)[0] in decoder]


@torch.no_grad()
def bend_model(model: MelodyModel, sigma: float, seed: int, layers: Layers) -> list[str]:
    """Add relative Gaussian noise (module docstring) to the selected parameters in place; returns their names.
    Raises :class:`ToolError` for a ``sigma`` that is negative or makes a weight infinite (the model is then partly
    bent: the caller discards it) and :class:`~mvae_core.errors.OptionError` for a ``seed`` outside ``0..MAX_SEED``
    (:func:`~mvae_core.config.checked_seed`)."""
    if not (math.isfinite(sigma) and sigma >= 0):
        raise ToolError(f"--sigma must be a finite number >= 0, got {sigma}")
    generator = torch.Generator().manual_seed(checked_seed(seed))
    names = bent_parameters(model, layers)
    parameters = dict(model.named_parameters())
    for name in names:
        weight = parameters[name]
        noise = torch.randn(weight.shape, generator=generator, dtype=weight.dtype)
        weight.add_(noise * (sigma * weight.std(correction=0)))
        if not torch.isfinite(weight).all():
            raise ToolError(f"--sigma {sigma} makes {name}'s weights infinite; give a smaller one (1 moves most notes)")
    return names


def bend_run(source: Path, dest: Path, sigma: float, seed: int, layers: Layers) -> list[str]:
    """Write the bent copy of run ``source`` to the new directory ``dest`` (refused if it exists); returns the
    names of the bent tensors. ``dest`` appears complete or not at all (built beside it, then renamed)."""
    if os.path.lexists(dest):
        raise ToolError(f"{dest} already exists; bend into a new directory")
    model, _, metadata = RunDir(source).load_best()  # weights and metadata from one read, never two bests mixed
    names = bend_model(model, sigma, seed, layers)
    tree = tomllib.loads((source / CONFIG).read_text(encoding="utf-8"))
    tree.setdefault(PROVENANCE, {})["bend"] = {
        "source": str(source.resolve()),
        "sigma": sigma,
        "noise": "relative: N(0, (sigma * std of each tensor)^2)",
        "seed": seed,
        "layers": layers,
        "tensors": names,
    }
    building: Path | None = None
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        building = Path(tempfile.mkdtemp(dir=dest.parent, prefix=f".{dest.name[:TEMPORARY_STEM]}.", suffix=".bending"))
        for name in COPIED:
            if (source / name).is_file():
                shutil.copy2(source / name, building / name)
        (building / CONFIG).write_text(tomli_w.dumps(tree), encoding="utf-8")
        metadata[BENT] = f"sigma={sigma} seed={seed} layers={layers} source={source.resolve()}"
        save_model(building / BEST_MODEL, model.state_dict(), metadata)
        building.chmod(folder_mode())
        os.rename(building, dest)
    except OSError as exc:  # a full or read-only disk: named by the copy asked for, not by the folder it is built in
        raise WriteFailed(f"cannot write {dest} (nothing was written): {write_problem(exc)}") from None
    finally:
        if building is not None:
            shutil.rmtree(building, ignore_errors=True)
    return names
