"""mvae: train and play a MelodyVAE on your own MIDI, with every training fix a separately toggled plugin.

The Python API (docs/python_api.md)::

    import mvae_core

    result = mvae_core.train(data=["my-midi/"], out="runs/mine", epochs=30, plugins=["kl_anneal", MyPlugin()])
    run = mvae_core.load(result.path)
    loops = mvae_core.generate(run, random=8, seed=1)
    scores = mvae_core.evaluate(run, ["held-out-midi/"])
    paired = mvae_core.compare(run, "runs/other", ["held-out-midi/"])  # A − B on the same loops, paired intervals
    mvae_core.plot([result, "runs/other"], "compare.png")  # training curves, several runs on one figure

The types a program of one's own annotates with are here too: :class:`Run`, :class:`Generated` (files of loops of
:class:`Note`; in seconds, :class:`SecondsNote`), :class:`DecodeOptions` and :class:`NotePlayer` (``run.player()``,
for one point at a time), :class:`Audio`, :class:`LoopCode`, :class:`RunResult`. Plugin authors need
:data:`hookimpl` (docs/hooks.md). Errors: every error type exported here is a subclass of :class:`MvaeError`
(docs/python_api.md, Errors, says which call raises which); :class:`TrainingWarning` is a training's warning (mvae's
own or a plugin's) that ``train(progress=False)`` raises, :class:`TrainedOnWarning` :func:`evaluate`'s warning that
the data held training files, :class:`SkippedSourcesWarning` its warning that files gave no loop,
:class:`WalkWithOneLoop` :func:`generate`'s warning that ``walk`` moved nothing, :class:`EarlierLoopFiles` the
warning of ``outputs.write_loops`` that a folder written into holds an earlier write's loops. :func:`inspect_data`
is ``mvae data inspect`` as a call (a :class:`DataInspection`).
The API is imported on first use, so ``import mvae_core`` (and the ``mvae`` command's start-up) stays light.
"""

from __future__ import annotations

import importlib
import sys
from typing import TYPE_CHECKING, Any

if sys.platform == "win32":  # every import of mvae would fail later with "No module named 'fcntl'"
    raise ImportError(
        "mvae does not run natively on Windows (it locks run folders and caches with POSIX flock): install and run it "
        "in WSL, the Windows Subsystem for Linux (docs/quickstart.md, Platforms)"
    )

from mvae_core.errors import (
    ConfigError,
    DataChanged,
    DataError,
    EarlierLoopFiles,
    InputError,
    MvaeError,
    OptionError,
    ReadingRanOut,
    ResumeRefused,
    RunBusy,
    RunExists,
    RunFailed,
    RunInterrupted,
    TrainingWarning,
    WalkWithOneLoop,
)
from mvae_core.hookspecs import hookimpl

if TYPE_CHECKING:
    from mvae_core.ablation.plan import PlanError
    from mvae_core.ablation.session import AblationResult, ablate
    from mvae_core.api import (
        Generated,
        Run,
        SecondsNote,
        SkippedSourcesWarning,
        TrainedOnWarning,
        compare,
        encode,
        evaluate,
        generate,
        interpolate,
        load,
        plot,
    )
    from mvae_core.audio import Audio
    from mvae_core.checkpoint import CheckpointError
    from mvae_core.decode_options import DecodeOptions
    from mvae_core.files import WriteFailed
    from mvae_core.generation import Note
    from mvae_core.inspection import DataInspection, inspect_data
    from mvae_core.models import ModelError
    from mvae_core.models.base import NotePlayer, UnsupportedOption
    from mvae_core.plugins import PluginError
    from mvae_core.session import RunResult, train
    from mvae_core.tools import ToolError
    from mvae_core.tools.encode import LoopCode
    from mvae_core.trainer import NonFiniteLoss, TrainingInProgress

_LAZY = {
    "ablate": "mvae_core.ablation.session",
    "AblationResult": "mvae_core.ablation.session",
    "PlanError": "mvae_core.ablation.plan",
    "train": "mvae_core.session",
    "RunResult": "mvae_core.session",
    "load": "mvae_core.api",
    "generate": "mvae_core.api",
    "evaluate": "mvae_core.api",
    "compare": "mvae_core.api",
    "encode": "mvae_core.api",
    "interpolate": "mvae_core.api",
    "plot": "mvae_core.api",
    "Run": "mvae_core.api",
    "Generated": "mvae_core.api",
    "SecondsNote": "mvae_core.api",
    "TrainedOnWarning": "mvae_core.api",
    "SkippedSourcesWarning": "mvae_core.api",
    "LoopCode": "mvae_core.tools.encode",
    "ToolError": "mvae_core.tools",
    "PluginError": "mvae_core.plugins",
    "CheckpointError": "mvae_core.checkpoint",
    "NonFiniteLoss": "mvae_core.trainer",
    "TrainingInProgress": "mvae_core.trainer",
    "ModelError": "mvae_core.models",
    "Note": "mvae_core.generation",
    "DecodeOptions": "mvae_core.decode_options",
    "NotePlayer": "mvae_core.models.base",
    "UnsupportedOption": "mvae_core.models.base",
    "WriteFailed": "mvae_core.files",
    "Audio": "mvae_core.audio",
    "inspect_data": "mvae_core.inspection",
    "DataInspection": "mvae_core.inspection",
}

__all__ = [
    "AblationResult",
    "Audio",
    "CheckpointError",
    "ConfigError",
    "DataChanged",
    "DataError",
    "DataInspection",
    "DecodeOptions",
    "EarlierLoopFiles",
    "Generated",
    "InputError",
    "LoopCode",
    "ModelError",
    "MvaeError",
    "NonFiniteLoss",
    "Note",
    "NotePlayer",
    "OptionError",
    "PlanError",
    "PluginError",
    "ReadingRanOut",
    "ResumeRefused",
    "Run",
    "RunBusy",
    "RunExists",
    "RunFailed",
    "RunInterrupted",
    "RunResult",
    "SecondsNote",
    "SkippedSourcesWarning",
    "ToolError",
    "TrainedOnWarning",
    "TrainingInProgress",
    "TrainingWarning",
    "UnsupportedOption",
    "WalkWithOneLoop",
    "WriteFailed",
    "ablate",
    "compare",
    "encode",
    "evaluate",
    "generate",
    "hookimpl",
    "inspect_data",
    "interpolate",
    "load",
    "plot",
    "train",
]


def __dir__() -> list[str]:
    """The public names (:data:`__all__`, the lazy ones included), the module's own dunders and its submodules
    imported so far, so that tab completion and ``help(mvae_core)`` show ``train``, ``generate`` and the rest before
    they are first used (PEP 562), and not the names this file imports for itself (``sys``, ``Any``)."""
    submodules = (name for name, value in globals().items() if getattr(value, "__name__", "") == f"{__name__}.{name}")
    return sorted({*__all__, *(name for name in globals() if name.startswith("__")), *submodules})


if not TYPE_CHECKING:  # hidden from type checkers: a module __getattr__ makes every name, misspelt ones too, Any

    def __getattr__(name: str) -> Any:
        """The API's functions and classes, imported (with torch) when first asked for; type checkers read them from
        the ``TYPE_CHECKING`` imports above."""
        if name in _LAZY:
            return getattr(importlib.import_module(_LAZY[name]), name)
        raise AttributeError(f"module 'mvae_core' has no attribute {name!r}")
