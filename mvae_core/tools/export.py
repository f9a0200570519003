"""``mvae export --onnx``: the decoder as an ONNX graph plus a JSON sidecar, for DAW and JavaScript hosts.

The model supplies the graph in eval mode and describes its inputs, outputs and decoding rules
(:meth:`~mvae_core.models.base.MelodyModel.onnx_graph`, an :class:`~mvae_core.models.onnx.OnnxGraph`: the ``seed``
model's maps ``z`` to a whole pattern, :mod:`mvae_core.models.seed_onnx`; ``melody_rnn``'s is one step of its
decoder, :mod:`mvae_core.models.melody_rnn_onnx`). The sidecar (``<name>.json`` beside the graph) holds that
description with the pitch mapping and the decoding rules of ``mvae generate``, so a host can turn the outputs into
notes without mvae. A model without an export is refused with a message naming the models that have one.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import torch

from mvae_core.config import MvaeConfig
from mvae_core.data.loops import STEPS_PER_BAR, STEPS_PER_LOOP
from mvae_core.errors import MvaeError
from mvae_core.files import atomic_write
from mvae_core.models import available_models, model_code
from mvae_core.models.base import MelodyModel, UnsupportedOption
from mvae_core.models.onnx import BATCH, OnnxGraph
from mvae_core.run_files import CONFIG, WRITTEN_WHOLE
from mvae_core.run_weights import saved_epoch
from mvae_core.tools import ToolError, require_extra

OPSET = 18


def export_decoder(
    model: MelodyModel, cfg: MvaeConfig, path: Path, source: dict[str, Any], overwrite: bool = False
) -> Path:
    """Write the ONNX graph to ``path`` (one self-contained file, weights included) and the sidecar to
    ``path.with_suffix('.json')`` (returned): those two files are all a host needs.

    ``source`` (run directory, model metadata) is copied into the sidecar. Needs the ``onnx`` extra. Before anything
    is written, :func:`refuse_replacing` refuses a sidecar that would be a run's own file, and files already there
    unless ``overwrite``.
    """
    require_extra("onnx", "onnx", "onnxscript")
    if path.is_dir():
        rule = f"a folder; give the file to write in it, e.g. {path / 'decoder.onnx'}"
        raise ToolError(f"{path}: {rule}", command_line=f"--onnx {path}: {rule}")
    if path.suffix.lower() != ".onnx":
        stem = "decoder" if path.name.startswith(".") else path.stem  # ".onnx" alone is a name without a suffix
        rule = f"the file name must end in .onnx, e.g. {stem}.onnx"
        raise ToolError(f"{path}: {rule}", command_line=f"--onnx {path}: {rule}")
    refuse_replacing(path, overwrite)
    try:
        with model_code(cfg.model.name, "onnx_graph"):
            graph = model.eval().onnx_graph(cfg)
    except UnsupportedOption as exc:
        raise ToolError(f"{exc}; models with an export: {', '.join(exportable_models())}") from None
    graph.module.eval()
    example = tuple(spec.example for spec in graph.inputs.values())

    def write_graph(file: Path) -> None:
        torch.onnx.export(
            graph.module,
            example,
            str(file),
            input_names=list(graph.inputs),
            output_names=list(graph.outputs),
            dynamic_shapes=graph.dynamic_shapes(torch.export.Dim(BATCH)),
            opset_version=OPSET,
            dynamo=True,
            external_data=False,  # one self-contained file: the weights inside the graph (the seed decoder is ~10 MB)
        )

    with _quiet():
        atomic_write(path, write_graph, durable=False)
    sidecar = path.with_suffix(".json")
    text = json.dumps(describe(cfg, graph, path.name, source), indent=1) + "\n"
    atomic_write(sidecar, lambda tmp: tmp.write_text(text, encoding="utf-8"), durable=False)
    return sidecar


def refuse_replacing(path: Path, overwrite: bool) -> None:
    """:class:`ToolError` when the export to ``path`` would replace a file: its sidecar (``path`` as ``.json``) a
    file of a run's folder (``RUN/split.onnx`` beside ``RUN/split.json``: a run's record is never replaced, whatever
    ``overwrite`` says), or, unless ``overwrite``, the graph or sidecar of an earlier export or any other file there
    (the rule of :func:`mvae_core.api.refuse_overwriting`)."""
    sidecar = path.with_suffix(".json")
    if sidecar.name in WRITTEN_WHOLE and (path.parent / CONFIG).is_file():
        fix = f"choose another name, e.g. {path.with_name('decoder.onnx')}"
        said = f"would replace {sidecar}, the run's own file, with its JSON sidecar: nothing was written; {fix}"
        raise ToolError(f"{path} {said}", command_line=f"--onnx {path} {said}")
    if overwrite or not (there := [str(file) for file in (path, sidecar) if file.exists()]):
        return
    verb, them = ("is", "it") if len(there) == 1 else ("are", "them")
    said = f"{' and '.join(there)} {verb} already there: nothing was written; to keep {them}, give another "
    raise ToolError(
        f"{said}path (a new file name); to replace {them}, pass overwrite=True",
        command_line=f"{said}--onnx (a new file name); to replace {them}, add --overwrite",
    )


def describe(cfg: MvaeConfig, graph: OnnxGraph, onnx_name: str, source: dict[str, Any]) -> dict[str, Any]:
    """The sidecar: the graph's format, inputs and outputs, the pitch and duration mapping, and the model's rules
    (``timing``, ``decode`` and its own entries; :class:`~mvae_core.models.onnx.OnnxGraph`)."""
    return {
        "format": graph.format,
        "onnx": onnx_name,
        "opset": OPSET,
        "model": cfg.model.name,
        "inputs": {name: spec.describe() for name, spec in graph.inputs.items()},
        "outputs": graph.outputs,
        "pitch_low": cfg.data.chosen_pitch_low(),
        "pitch_classes": cfg.data.pitch_classes,
        "steps": STEPS_PER_LOOP,
        "steps_per_bar": STEPS_PER_BAR,
        "max_duration_steps": cfg.data.max_duration_steps,
        "latent_dim": cfg.model.latent_dim,
        **graph.rules,
        "source": source,
    }


def run_source(run_dir: Path, model_metadata: dict[str, str]) -> dict[str, Any]:
    """The sidecar's ``source`` for a run's best model: the run directory, this mvae's version, and the ``epoch``
    (counted from 1, as the console counts) and ``val_elbo`` of the exported weights, as numbers, from the metadata
    read with them (:attr:`mvae_core.api.Run.model_metadata`; both None for a model file that records none)."""
    from mvae_core.version import VERSION

    epoch, val_elbo = saved_epoch(model_metadata) or (None, None)
    return {"run": str(run_dir.resolve()), "mvae": VERSION, "epoch": epoch, "val_elbo": val_elbo}


def exportable_models() -> list[str]:
    """The names of the registered models that override :meth:`~mvae_core.models.base.MelodyModel.onnx_graph`
    (a model that fails to import is left out)."""
    names = []
    for name, info in sorted(available_models().items()):
        with contextlib.suppress(MvaeError):
            if info.model_class().onnx_graph is not MelodyModel.onnx_graph:
                names.append(name)
    return names


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
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
