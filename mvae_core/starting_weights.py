"""A new run that starts from a trained run's weights (``mvae train DATA --init-from RUN``, ``mvae_core.train(...,
init_from=RUN)``): fine-tuning a model trained on a large corpus on a small set of one's own, or going on from trained
weights under settings a resume refuses.

What it reads (:func:`read_starting_weights`), never running code from it:

* a run folder: its ``model.safetensors``, the best model (the epoch validation chose; what ``generate`` plays);
* ``RUN/model.safetensors`` itself, or ``RUN/checkpoint.pt``: the last trained weights (also of a run stopped in
  the middle of an epoch), read with ``torch.load(weights_only=True)``.

The weights are described by the folder's ``config.toml``, and must fit the model it describes (else the error of a
run whose files do not match, with the versions that trained it). Only the model's weights are taken: the new run
starts at epoch 1 with a fresh optimizer, its own schedules and plugin states, and its own split of its own data.

What the new run takes from the source besides the weights (:meth:`StartingWeights.defaults`): every ``[model]``
setting and the data settings that give the model's rows and numbers their meaning (:data:`INHERITED_DATA`), as the
defaults under its config file and overrides. What the weights cannot take is refused (:meth:`StartingWeights.check`,
a :class:`ConfigError`): another ``[model] name``; settings that change the shape of a tensor (each named with both
values); another lowest pitch row or duration scale (:data:`_SAME_MEANING`: the same shapes, but row 0 or a duration of
1.0 would mean another pitch or length than the weights learnt). The model's :meth:`init_from_data` still runs on the
new data, then the weights are loaded over it: theirs win.

The run records where its weights came from (:meth:`StartingWeights.record`, ``[provenance.init_from]`` of its
``config.toml``). A resume of it restores its own checkpoint and never reads the source again, except for a run
stopped before its first checkpoint, which starts over from the same weights (checked by their digest).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from mvae_core.checkpoint import CheckpointError, load_checkpoint, load_model_file, load_weights
from mvae_core.config import AUTO_PITCH_LOW, ConfigError, MvaeConfig, build_config, dotted_settings, toml_literal
from mvae_core.errors import InputError, MvaeError
from mvae_core.models import build_model
from mvae_core.run import RunDir
from mvae_core.run_files import BEST_MODEL, CHECKPOINT, CONFIG
from mvae_core.run_steps import Steps
from mvae_core.run_versions import code_versions
from mvae_core.run_weights import saved_epoch, settings_record
from mvae_core.wording import listed

INHERITED_DATA = ("pitch_low", "pitch_classes", "max_duration_steps")
"""The ``[data]`` settings a run started from weights takes from the source (with every ``[model]`` setting): the
pitch of row 0, the number of rows and the length a duration of 1.0 stands for."""
_SAME_MEANING = {
    "data.pitch_low": "another pitch in each row",
    "data.max_duration_steps": "another length for each duration",
}
"""Settings that leave every tensor's shape as it is but change what the weights' numbers mean (how, as a refusal says
it): refused when they differ from the source's."""
PROVENANCE_KEY = "init_from"
"""The table of ``[provenance]`` that records the starting weights (:meth:`StartingWeights.record`)."""
_DATA_SHOWN = 3
"""How many of the source run's DATA paths :meth:`StartingWeights.described` names."""
_FIX = "(a run started from weights takes the source's model settings), or train from scratch"
"""What a refusal of settings says after ``leave them out`` (and where they came from: :meth:`StartingWeights.check`)."""


@dataclass(frozen=True)
class StartingWeights:
    """The weights a new run starts from, read from ``file`` (absolute), with the source run's config."""

    given: str  # the source as the caller named it
    file: Path
    config: MvaeConfig
    state: dict[str, torch.Tensor]
    epochs: int  # whole epochs trained into the weights (the best model's epoch, counted from 1)
    digest: str  # weights_digest(state)
    data: list[str]  # what the source run trained on ([provenance] data)
    training: bool = False  # another process trained the source run when its weights were read
    steps: int = 0  # steps of the next epoch trained into them too (a checkpoint written in the middle of an epoch)

    def still_training(self) -> str | None:
        """What a new run says when its source run was still training as its weights were read (they are what it
        held then, not what it ends with); None otherwise."""
        if not self.training:
            return None
        which = "best model" if self.file.name == BEST_MODEL else "last checkpoint"
        return (
            f"{self.given} is being trained by another process: this run starts from its {which} so far ({self.epochs} "
            f"epoch{'s' * (self.epochs != 1)}), not from what that run ends with; to start from those, train this "
            "run again (into another folder) when that one has finished"
        )

    def defaults(self) -> dict[str, Any]:
        """The source's settings a new run starts from, as a config tree: every ``[model]`` setting (its
        ``[model.<name>]`` table too) and :data:`INHERITED_DATA`."""
        record = settings_record(self.config)
        return {"model": record["model"], "data": {key: record["data"][key] for key in INHERITED_DATA}}

    def record(self) -> dict[str, Any]:
        """``[provenance.init_from]``: the file read, the digest of its weights (:func:`weights_digest`), the epochs
        trained into them and the DATA of the run that trained them."""
        return {"path": str(self.file), "weights_sha256": self.digest, "epochs": self.epochs, "data": self.data}

    def described(self) -> str:
        """The weights as a run's start says it: ``/abs/RUN/model.safetensors (6 epochs on DATA)``, the source's DATA
        cut after :data:`_DATA_SHOWN` paths (a run trained on 181 files named one by one)."""
        steps = f"{self.steps} step{'s' * (self.steps != 1)}"
        trained = f"{self.epochs} epoch{'s' * (self.epochs != 1)}"
        trained = (f"{trained} and {steps}" if self.epochs else steps) if self.steps else trained
        shown = listed(self.data, _DATA_SHOWN, separator=" ")
        return f"{self.file} ({trained}{f' on {shown}' if shown else ''})"

    def taken(self, cfg: MvaeConfig) -> str:
        """The settings a new run resolved as ``cfg`` took from the source (:meth:`defaults`) where they are not mvae's
        defaults (those of the config, not of a model's own ``[model.<name>]`` table), as its start says them:
        ``model.hidden = 64, data.pitch_low = 36``; empty when there are none (a fine-tuning given no ``--set`` would
        not know otherwise why its model is another size)."""
        default = dotted_settings(settings_record(build_config(base={"model": {"name": cfg.model.name}})))
        source, now = dotted_settings(self.defaults()), dotted_settings(settings_record(cfg))
        taken = [key for key, value in source.items() if key in default and now.get(key) == value != default[key]]
        return ", ".join(f"{key} = {toml_literal(source[key])}" for key in taken)

    def kept_rows(self, cfg: MvaeConfig) -> tuple[MvaeConfig, str | None]:
        """A new run's ``cfg`` with a ``data.pitch_low = "auto"`` replaced by the source's number, and the line that
        says so: rows chosen from the new data would give each row another pitch than the weights learnt (a
        fine-tune keeps its source's rows); ``cfg`` and None when ``pitch_low`` is a number."""
        if cfg.data.pitch_low != AUTO_PITCH_LOW:
            return cfg, None
        source = self.config.data
        kept = cfg.model_copy(update={"data": cfg.data.with_pitch_low(source.pitch_low)})
        return kept, (
            f'data.pitch_low = "auto" keeps the rows of the weights it starts from, MIDI {source.pitch_low} .. '
            f"{source.pitch_low + source.pitch_classes - 1} (data.pitch_low = {source.pitch_low}): rows chosen from "
            "this data would give each row another pitch than the weights learnt"
        )

    def check(self, cfg: MvaeConfig, config: object = None) -> None:
        """:class:`ConfigError` unless a new run resolved as ``cfg`` can take the weights: the same model, the same
        :data:`_SAME_MEANING` settings, and tensors of the same shapes (the settings that change one named, each with
        the source's value and the new one). ``config``: the config the new run was given (a file, a tree, an
        :class:`MvaeConfig`), which the fix
        names with the overrides (the settings may come from either)."""
        if cfg.model.name != self.config.model.name:
            raise self._refused(
                f"its model is {self.config.model.name!r} and this run's [model] name is {cfg.model.name!r}; weights "
                "load only into the model that trained them:",
                config,
            )
        was, now = dotted_settings(settings_record(self.config)), dotted_settings(settings_record(cfg))
        shaped = {
            key: (was.get(key), now.get(key))
            for key in sorted(set(was) | set(now))
            if (key.startswith("model.") or key == "data.pitch_classes") and was.get(key) != now.get(key)
        }
        shapes = {name: tuple(tensor.shape) for name, tensor in self.state.items()}  # the source model's, as loaded
        reshaping = (_reshaping(self.config, shaped, shapes) or shaped) if shaped and _shapes(cfg) != shapes else {}
        problems = [f"{_changes(reshaping)} (tensors of other shapes)"] if reshaping else []
        problems += [f"{_changes({key: (was[key], now[key])})} ({how})" for key, how in _SAME_MEANING.items()
                     if was[key] != now[key]]  # fmt: skip
        if problems:
            raise self._refused(f"this run's settings do not fit its weights: {'; '.join(problems)};", config)

    def _refused(self, text: str, config: object) -> ConfigError:
        """The :class:`ConfigError` saying ``text`` (with its closing mark) and the fix: leave the settings out of the
        overrides and of ``config`` (a file named; an :class:`MvaeConfig` sets every setting, so it cannot leave them
        out: a file or a tree can), or train from scratch."""
        python, command = f"leave them out {_FIX}", f"leave them out {_FIX}"
        if isinstance(config, str | os.PathLike):
            python = f"leave them out of config {str(config)!r} and overrides {_FIX}"
            command = f"leave them out of --config {config} and --set {_FIX}"
        elif isinstance(config, MvaeConfig):
            python = (
                "leave them out of overrides and give config as a file or a dict without them (an MvaeConfig sets "
                f"every setting; {_FIX[1:]}"
            )
        return ConfigError(
            f"init_from {self.given}: {text} {python}", command_line=f"--init-from {self.given}: {text} {command}"
        )


def read_starting_weights(given: str | os.PathLike[str]) -> StartingWeights:
    """The weights that ``given`` names (a run folder, or its ``model.safetensors`` or ``checkpoint.pt``), checked to
    fit the model of the folder's ``config.toml``.

    :raises InputError: nothing there, or a file of another kind.
    :raises ConfigError: the folder is no run (no or a broken ``config.toml``), or its model is not installed here.
    :raises CheckpointError: no model file yet (no epoch finished), a damaged or unsafe file, weights that do not
        fit the run's config, or a checkpoint written before any training step.
    """
    name = str(given)
    path = Path(given)
    give = f"give a trained run's folder (or its {BEST_MODEL} or {CHECKPOINT})"
    if not name.strip():  # Path("") is the working folder: an unset variable would name whatever run lies there
        raise InputError(
            f"init_from is empty; {give}",
            command_line=f'--init-from is empty (an unset variable, as in --init-from "$RUN"?); {give}',
        )
    if not path.exists():
        raise _error(InputError, name, f"no such file or folder; {give}")
    if path.is_dir():
        path = path / BEST_MODEL
    elif path.suffix not in (".safetensors", ".pt"):
        if (exported := _exported_from(path)) is not None:
            said = (
                "an export (mvae export: the decoder alone, for playing), not weights a run trains from; give the run"
            )
            raise InputError(
                f"init_from {name}: {said} it was exported from: init_from={exported!r}",
                command_line=f"--init-from {name}: {said} it was exported from: --init-from {exported}",
            )
        give = f"give a trained run's folder, its {BEST_MODEL} (the best model) or its {CHECKPOINT} (the last trained "
        give += "weights)"
        raise _error(InputError, name, f"neither a run folder nor a model file; {give}")
    run = RunDir(path.parent)  # its messages name the files as the caller gave them; the record, absolute
    try:
        cfg = run.read_config()
        provenance = run.read_provenance()
        state, epochs, steps = _read_file(run, path)
        _fit_own_model(run, cfg, state)
    except MvaeError as exc:
        raise _wrapped(exc, name) from None
    data = provenance.get("data", [])
    digest, training = weights_digest(state), run.is_training()
    return StartingWeights(name, path.resolve(), cfg, state, epochs, digest, [str(d) for d in data], training, steps)


def _exported_from(path: Path) -> str | None:
    """The run folder that ``path``, a file of ``mvae export`` (``FILE.onnx`` or its ``FILE.json``), was exported
    from, as its JSON sidecar names it (``source.run``); None for any other file."""
    try:
        run = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))["source"]["run"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return run if isinstance(run, str) else None


def _read_file(run: RunDir, path: Path) -> tuple[dict[str, torch.Tensor], int, int]:
    """The weights in ``path``, the whole epochs trained into them and the steps of the next one (a checkpoint
    written in the middle of an epoch)."""
    if path.suffix == ".pt":
        payload = load_checkpoint(path, advice=f"give the run's {BEST_MODEL} (its best model), or restore the file")
        epochs = int(payload.get("epoch", -1)) + 1
        if epochs == 0 and payload.get("progress") is None:
            raise CheckpointError(
                f"{path} was written before the run's first training step, so its weights are untrained; give a "
                "run that has trained"
            )
        state = payload["model"]
        if not isinstance(state, dict) or not all(isinstance(t, torch.Tensor) for t in state.values()):
            raise CheckpointError(f"{path}: its model is not a table of tensors; give the run's {BEST_MODEL}")
        progress = payload.get("progress")
        steps = progress.get("step", 0) if isinstance(progress, dict) else 0
        return state, epochs, steps if isinstance(steps, int) else 0
    if not path.exists() and path.name == BEST_MODEL:
        raise run.said_both_ways(CheckpointError, lambda steps: f"no model at {path}: {_why_no_model(run, steps)}")
    state, metadata = load_model_file(path)
    saved = saved_epoch(metadata)
    return state, saved[0] if saved else 0, 0


def _why_no_model(run: RunDir, steps: Steps) -> str:
    """Why the run folder ``run`` holds no ``model.safetensors``, and what to give or do instead."""
    checkpoint = (run.path / CHECKPOINT).exists()
    if run.read_metrics():
        return "the file is gone; put it back" + (f", or give its {CHECKPOINT} (the last trained weights)" * checkpoint)
    if run.is_training():
        return "no epoch of the run has finished yet (another process is training it now); wait for its first epoch"
    if checkpoint:
        return (
            f"no epoch of the run finished before it stopped; give its {CHECKPOINT} (the weights trained before it "
            f"stopped), or train it for an epoch first: {steps.resume}"
        )
    return f"the run stopped before it trained (no {CHECKPOINT} either); train it first: {steps.resume}"


def _fit_own_model(run: RunDir, cfg: MvaeConfig, state: dict[str, torch.Tensor]) -> None:
    """:class:`CheckpointError` unless ``state`` loads into the model ``cfg`` (the run's own config) describes, saying
    which version trained it when the installed model's layout may be the cause."""
    with torch.random.fork_rng(devices=[]):
        model = build_model(cfg)
    try:
        load_weights(model, state)
    except CheckpointError as exc:
        message = run.refused_weights(exc, code_versions(cfg.model.name))
        raise CheckpointError(f"{run.path / CONFIG} and its weights: {message}") from None


def weights_digest(state: Mapping[str, torch.Tensor]) -> str:
    """SHA-256 of the tensors ``state`` holds: each one's name, type of number, shape and bytes, in name order. The
    same weights give the same digest whichever file they were read from (``model.safetensors``, ``checkpoint.pt``)."""
    digest = hashlib.sha256()
    for name in sorted(state):
        tensor = state[name].detach().cpu().contiguous()
        digest.update(json.dumps([name, str(tensor.dtype), list(tensor.shape)]).encode())
        digest.update(tensor.reshape(-1).view(torch.uint8).numpy().tobytes())
    return digest.hexdigest()


def _shapes(cfg: MvaeConfig) -> dict[str, tuple[int, ...]]:
    """The name and shape of every tensor of the model ``cfg`` describes (built aside: torch's random state is left
    as it was)."""
    with torch.random.fork_rng(devices=[]):
        return {name: tuple(tensor.shape) for name, tensor in build_model(cfg).state_dict().items()}


def _reshaping(
    source: MvaeConfig, changed: dict[str, tuple[Any, Any]], shapes: dict[str, tuple[int, ...]]
) -> dict[str, tuple[Any, Any]]:
    """The settings of ``changed`` (``{key: (source's, new)}``) that change a tensor's shape each on its own: the
    source's config with that one setting as the new run has it, against the source's ``shapes``."""
    tree = settings_record(source)
    reshaping = {}
    for key, (_, value) in changed.items():
        try:
            if _shapes(build_config(_set(tree, key, value))) != shapes:
                reshaping[key] = changed[key]
        except MvaeError:  # a setting that needs another one changed with it: named with the rest
            continue
    return reshaping


def _set(tree: dict[str, Any], key: str, value: Any) -> dict[str, Any]:
    """A copy of the config ``tree`` with the dotted ``key`` set to ``value`` (left out when it is None)."""
    copy = json.loads(json.dumps(tree))
    *tables, last = key.split(".")
    node = copy
    for table in tables:
        node = node.setdefault(table, {})
    if value is None:
        node.pop(last, None)
    else:
        node[last] = value
    return copy


def _changes(changed: dict[str, tuple[Any, Any]]) -> str:
    """``model.hidden 512 → 256, data.pitch_classes 24 → 36``: each setting with the source's value and the new
    one."""

    def shown(value: Any) -> str:
        return "not set" if value is None else toml_literal(value)

    return ", ".join(f"{key} {shown(was)} → {shown(now)}" for key, (was, now) in changed.items())


def _error(kind: type[MvaeError], given: str, text: str) -> MvaeError:
    """``kind`` about the source ``given``: ``init_from RUN: …`` for a Python caller, ``--init-from RUN: …`` on the
    command line."""
    return kind(f"init_from {given}: {text}", command_line=f"--init-from {given}: {text}")


def _wrapped(exc: MvaeError, given: str) -> MvaeError:
    """``exc`` (about a file of the source) as an error of its kind that names the source as the caller gave it."""
    kind = next((k for k in (ConfigError, CheckpointError) if isinstance(exc, k)), InputError)
    return kind(f"init_from {given}: {exc}", command_line=f"--init-from {given}: {exc.command_line_message()}")
