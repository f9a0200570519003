"""``mvae export --onnx``: the decoder as an ONNX graph plus a JSON sidecar, for DAW and JavaScript hosts.

The model supplies the graph, mapping ``z [batch, latent_dim]`` (float32, any batch size) to its outputs in eval mode,
and describes them (:meth:`~mvae_core.models.base.MelodyModel.onnx_graph`; the ``seed`` model's outputs are listed
in :mod:`mvae_core.models.seed_onnx`). The sidecar (``<name>.json`` beside the graph) holds that description with the
pitch mapping and the decoding rules of ``mvae generate``, so a host can turn the outputs into notes without mvae. A
model without an export is refused with a message naming the models that have one.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import warnings
from pathlib import Path
from typing import Any

import torch

from mvae_core.config import MvaeConfig
from mvae_core.data.loops import STEPS_PER_LOOP
from mvae_core.models.base import MelodyModel, UnsupportedOption
from mvae_core.tools import ToolError, require_extra

FORMAT = "mvae-decoder-onnx/1"
OPSET = 18


def export_decoder(model: MelodyModel, cfg: MvaeConfig, path: Path, source: dict[str, Any]) -> Path:
    """Write the ONNX graph to ``path`` (one self-contained file, weights included) and the sidecar to
    ``path.with_suffix('.json')`` (returned): those two files are all a host needs.

    ``source`` (run directory, model metadata) is copied into the sidecar. Needs the ``onnx`` extra.
    """
    require_extra("onnx", "onnx", "onnxscript")
    if path.suffix.lower() != ".onnx":
        raise ToolError(f"--onnx {path}: the file name must end in .onnx")
    try:
        graph, output_names, model_part = model.eval().onnx_graph(cfg)
    except UnsupportedOption as exc:
        raise ToolError(f'{exc}; export a run trained with [model] name = "seed"') from None
    graph.eval()
    example = torch.zeros(2, cfg.model.latent_dim)
    path.parent.mkdir(parents=True, exist_ok=True)
    with _quiet():
        torch.onnx.export(
            graph,
            (example,),
            str(path),
            input_names=["z"],
            output_names=output_names,
            dynamic_shapes={"z": {0: torch.export.Dim("batch")}},
            opset_version=OPSET,
            dynamo=True,
            external_data=False,  # one self-contained file: the weights inside the graph (the seed decoder is ~10 MB)
        )
    sidecar = path.with_suffix(".json")
    sidecar.write_text(json.dumps(describe(cfg, model_part, path.name, source), indent=1) + "\n", encoding="utf-8")
    return sidecar


def describe(cfg: MvaeConfig, model_part: dict[str, Any], onnx_name: str, source: dict[str, Any]) -> dict[str, Any]:
    """The sidecar: format, input, pitch and duration mapping, and the model's ``outputs``, ``timing`` and
    ``decode`` rules (:meth:`~mvae_core.models.base.MelodyModel.onnx_graph`)."""
    return {
        "format": FORMAT,
        "onnx": onnx_name,
        "opset": OPSET,
        "model": cfg.model.name,
        "inputs": {"z": {"shape": ["batch", cfg.model.latent_dim], "dtype": "float32", "meaning": "latent points"}},
        "outputs": model_part["outputs"],
        "pitch_low": cfg.data.pitch_low,
        "pitch_classes": cfg.data.pitch_classes,
        "steps": STEPS_PER_LOOP,
        "steps_per_bar": STEPS_PER_LOOP // 2,
        "max_duration_steps": cfg.data.max_duration_steps,
        "latent_dim": cfg.model.latent_dim,
        "timing": model_part["timing"],
        "decode": model_part["decode"],
        "source": source,
    }


@contextlib.contextmanager
def _quiet():
    """torch's exporter prints progress and warns about unrelated optional packages; keep the command's output clean."""
    logger = logging.getLogger("torch.onnx")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)
