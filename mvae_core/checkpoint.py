"""Atomic checkpoint writes and loads that never execute code.

* ``checkpoint.pt`` (resume): a dict of tensors and plain values, written whole or not at all
  (:func:`mvae_core.files.atomic_write`); loaded with ``torch.load(weights_only=True)``, which refuses arbitrary
  pickled objects.
  Under :data:`SETTINGS` it records the settings the run trained with, so that a resume can tell an edit of
  ``config.toml`` (checkpoints written before it was kept have none).
* ``model.safetensors`` (best model, for generate/evaluate/export): tensors only, no pickle at all.
"""

from __future__ import annotations

import _compat_pickle
import errno
import io
import json
import pickle
import re
import stat
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch
from safetensors import SafetensorError, safe_open
from safetensors.torch import save

from mvae_core.config import MAX_EPOCHS
from mvae_core.errors import MvaeError, shortened
from mvae_core.files import FILE_KINDS, atomic_write, compressed_zip_entry, reason
from mvae_core.run_files import BEST_MODEL
from mvae_core.wording import listed

SETTINGS = "config"
"""The key of a checkpoint that holds the settings the run trained with up to it: its resolved config as
``MvaeConfig.model_dump(mode="json")`` gives it (plain values only; :func:`mvae_core.run_weights.settings_record`)."""
UNUSABLE = (
    "the run cannot be resumed from it: restore the file from a backup, or start a new run "
    "(model.safetensors, the best model, is a separate file)"
)
"""What a refusal of a checkpoint a resume cannot use says to do (the end of its message)."""

_REPLACE_MODEL = "put the run's model file back (from a backup), or train again"


class CheckpointError(MvaeError, RuntimeError):
    """A checkpoint or model file is missing, truncated, corrupt or unsafe; the message names the file."""


class WeightsMismatch(CheckpointError):
    """The tensors of a file do not fit the model built from the run's config (:func:`load_weights`); ``tensors``
    says how they differ (``tensors: 2 missing (head.weight, head.bias), …``)."""

    def __init__(self, message: str, tensors: str) -> None:
        super().__init__(message)
        self.tensors = tensors


def save_checkpoint(path: Path, payload: dict[str, Any]) -> None:
    """Write ``checkpoint.pt`` atomically. It is serialised in memory first: torch reports a full disk as an
    ``enforce fail`` RuntimeError, a plain file write as ``No space left on device``."""
    buffer = io.BytesIO()
    torch.save(payload, buffer)
    atomic_write(path, lambda tmp: tmp.write_bytes(buffer.getbuffer()))


def load_checkpoint(path: Path, mapped: bool = False, advice: str = UNUSABLE) -> dict[str, Any]:
    """Load a resume checkpoint; anything but tensors and plain values is refused, and so are compressed entries (a
    few KB that would unpack to gigabytes), a file that is no zip (every checkpoint ``torch.save`` writes is one),
    an entry whose bytes fail the CRC-32 the zip records of them (torch.load does not check them: a bit flipped by a
    bad copy would be trained on) and top-level values of another type than the trainer writes.
    ``mapped``: the tensors are mapped from the file, not read, for a caller that reads only its plain values
    (:data:`SETTINGS`); their CRC-32s are not checked then. ``advice``: what a refusal says to do (by default, for a
    resume)."""
    if not path.is_file():
        raise CheckpointError(_not_a_file(path, "checkpoint", advice))
    if packed := compressed_zip_entry(path):  # torch.save stores every entry unpacked
        raise CheckpointError(
            f"{path} holds a compressed entry ({packed.filename}: {packed.compress_size:,} bytes that unpack to "
            f"{packed.file_size:,}), which torch.save never writes; refusing to unpack it; {advice}"
        )
    if damage := _zip_damage(path, checksums=not mapped):
        raise CheckpointError(f"{path} {damage}; {advice}")
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True, mmap=mapped)
    except pickle.UnpicklingError as exc:  # a crafted file, or bytes damaged inside the pickle stream
        refused = _unpickler_reason(exc)
        if refused.startswith("Unsupported operand"):  # an opcode torch.save never writes
            raise CheckpointError(f"{path} {_foreign_opcode(refused, mapped)}; {advice}") from None
        refusal = f"{path} holds objects that are not plain data; refusing to load it ({refused})"
        if plugins := _in_plugin_state(path, refused):
            raise _plugin_state_refused(path, refusal, plugins) from None
        raise CheckpointError(f"{refusal}; {advice}") from None
    except (RuntimeError, EOFError, zipfile.BadZipFile, OSError, ValueError) as exc:
        raise CheckpointError(f"{path} is truncated or corrupt ({_first_clause(exc)}); {advice}") from None
    if not isinstance(payload, dict) or "model" not in payload:
        raise CheckpointError(f"{path} is not an mvae checkpoint; {advice}")
    for key, (fits, expected) in _PAYLOAD_TYPES.items():
        if key in payload and not fits(payload[key]):
            raise CheckpointError(f"{path}: its {key} is {_shown(payload[key])}, not {expected}; {advice}")
    return payload


def _foreign_opcode(refused: str, mapped: bool) -> str:
    """What a refusal says after the checkpoint's path of a pickle opcode torch.save never writes (``refused``:
    ``Unsupported operand 105``): without the CRC-32 check (``mapped``) likely bytes damaged in a copy; in a zip whose
    every entry passed it, the file was written so (another program's, or crafted: 105 builds an object)."""
    if mapped:
        return f"is truncated or corrupt, or not written by torch.save (its pickle: {refused})"
    return f"was not written by torch.save: its pickle uses an opcode torch.save never writes ({refused}); refusing it"


_NOT_WRITTEN_BY_TORCH = "is not a checkpoint torch.save wrote (truncated or corrupt?)"
"""What a refusal of a checkpoint that is no zip, nor the start of one, says after its path: ``torch.save`` has
written zips since torch 1.6, so such a file was overwritten, is empty, or is another program's."""


_ZIP_START = b"PK\x03\x04"
"""The bytes a zip begins with (its first entry's header); its directory, which :func:`zipfile.is_zipfile` looks
for, is written last, at its end."""
_CUT_ZIP = "is truncated or corrupt (a zip without the directory written at its end: cut short?)"


def _zip_damage(path: Path, checksums: bool) -> str | None:
    """What is wrong with the zip at ``path`` as a message goes on after its path (``is truncated or corrupt (its entry
    archive/data/0 fails its CRC-32 check)``), or None for a sound zip. ``checksums``: every entry is read once to
    compare its CRC-32 with the one the zip records (one sequential read of the file: 17 ms for the 35 MB of a default
    melody_rnn checkpoint, 0.2 s for 400 MB, from the page cache). Only for a file without compressed entries
    (:func:`~mvae_core.files.compressed_zip_entry`): none is unpacked."""
    try:
        if not zipfile.is_zipfile(path):
            with path.open("rb") as handle:
                begun = handle.read(len(_ZIP_START)) == _ZIP_START
            return _CUT_ZIP if begun else _NOT_WRITTEN_BY_TORCH
    except OSError as exc:  # no permission to read it, an I/O error
        return f"cannot be read as a checkpoint ({reason(exc)})"
    if not checksums:
        return None
    try:
        with zipfile.ZipFile(path) as archive:
            damaged = archive.testzip()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:  # e.g. an entry's header overwritten
        return f"is truncated or corrupt ({reason(exc)})"
    return f"is truncated or corrupt (its entry {damaged} fails its CRC-32 check)" if damaged else None


_MINIZ_ADVICE = ". This is an internal miniz error"
"""Where torch's message of a zip its reader (miniz) refuses turns from what failed to a paragraph of advice."""


def _first_clause(error: BaseException) -> str:
    """The system's or torch's reason (:func:`~mvae_core.files.reason`) without torch's paragraph after a zip
    reader's error (``… failed finding central directory. This is an internal miniz error. If you are seeing …``)."""
    return reason(error).split(_MINIZ_ADVICE)[0]


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


_SETTINGS_DEPTH = 16
"""How deep the tables and lists of a checkpoint's :data:`SETTINGS` may nest (a config nests 5 deep at most): a
crafted file nesting thousands deep would end a resume's comparison in a RecursionError."""


def _settings_tree(value: Any, depth: int = _SETTINGS_DEPTH) -> bool:
    """Whether ``value`` is what :data:`SETTINGS` holds: tables (string keys) and lists of plain values, nested at most
    ``depth`` deep."""
    if value is None or isinstance(value, str | int | float):
        return True
    if depth == 0:
        return False
    if isinstance(value, dict):
        return all(isinstance(k, str) and _settings_tree(v, depth - 1) for k, v in value.items())
    return isinstance(value, list) and all(_settings_tree(v, depth - 1) for v in value)


def _plugin_random_state(value: Any) -> bool:
    """Whether ``value`` is what :class:`~mvae_core.host.PluginRandom` saves: ``cpu`` (and ``cuda``) random states."""
    return (
        isinstance(value, dict)
        and "cpu" in value
        and all(
            k in ("cpu", "cuda") and isinstance(t, torch.Tensor) and t.dtype == torch.uint8 for k, t in value.items()
        )
    )


_PAYLOAD_TYPES: dict[str, tuple[Callable[[Any], bool], str]] = {
    "epoch": (
        lambda v: isinstance(v, int) and not isinstance(v, bool) and -1 <= v < MAX_EPOCHS,
        f"a whole number from -1 to {MAX_EPOCHS - 1:,}",
    ),
    "model": (lambda v: isinstance(v, dict), "a table of tensors"),
    "optimizer": (
        lambda v: isinstance(v, dict) and isinstance(v.get("state"), dict) and isinstance(v.get("param_groups"), list),
        "an optimizer's state (a table with state and param_groups)",
    ),
    "torch_rng": (lambda v: isinstance(v, torch.Tensor) and v.dtype == torch.uint8, "a random state (bytes)"),
    "plugin_rng": (_plugin_random_state, "the plugins' random state (a table of cpu, and cuda on a CUDA run, bytes)"),
    "best_val_elbo": (_number, "a number"),
    SETTINGS: (
        lambda v: isinstance(v, dict) and _settings_tree(v),
        f"the settings the run trained with (a table of plain values, nested at most {_SETTINGS_DEPTH} deep)",
    ),
}
"""What the trainer's :meth:`~mvae_core.trainer.Trainer.checkpoint_payload` writes under each key a resume reads: a
test and its words. A value of another type (a hand edit, another program's file) raised a bare TypeError or
ValueError deep in the resume, or filled memory (an epoch of 10³⁰)."""


def _shown(value: Any) -> str:
    """A value of a checkpoint as a message shows it: its type, and a short form of a plain value."""
    if isinstance(value, str | int | float | bool) or value is None:
        return f"the {type(value).__name__} {shortened(repr(value))}"
    if isinstance(value, torch.Tensor):
        return f"a tensor of {str(value.dtype).removeprefix('torch.')}"
    return f"a {type(value).__name__}"


def _not_a_file(path: Path, what: str, advice: str) -> str:
    """Why ``path``, which :meth:`~pathlib.Path.is_file` refused, cannot be read as a ``what`` (``checkpoint``,
    ``model``): nothing there (a dangling link too), or a folder, FIFO or device (never opened, so nothing blocks),
    with ``advice`` for the latter; the words of the data reader (:mod:`mvae_core.data.sources`)."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        if exc.errno == errno.ENOENT:
            return f"no {what} at {path}"
        return f"{path} cannot be read as a {what} ({reason(exc)}); {advice}"  # e.g. a link that leads to itself
    return f"{path} is {FILE_KINDS.get(stat.S_IFMT(mode), 'not a file')}, not a {what} file; {advice}"


def _unpickler_reason(error: BaseException) -> str:
    """What torch's weights-only unpickler refused, without its advice to load with ``weights_only=False`` (never:
    that would run the file's code) and its pointer to the documentation."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    marker = "WeightsUnpickler error:"
    for i, line in enumerate(lines):
        if marker in line:
            called = line.split(marker, 1)[1].strip() or (lines[i + 1] if i + 1 < len(lines) else "")
            return called.split(". Please use")[0]  # not torch's advice to allowlist what the file asks for
    advice = ("Weights only load failed", "Check the documentation of torch.load")
    reasons = [line for line in lines if not line.startswith(advice) and "weights_only" not in line]
    return reasons[0] if reasons else "objects other than tensors and plain values"


class _Refused:
    """What :class:`_StructureReader` builds in place of every global a pickle names: nothing of the file's code is
    imported or run; an instance takes whatever the pickle hands it (arguments, items, state) and keeps none."""

    qualified = ""

    def __new__(cls, *args: Any, **kwargs: Any) -> _Refused:
        return super().__new__(cls)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def __setitem__(self, key: Any, value: Any) -> None:
        pass

    def __setstate__(self, state: Any) -> None:
        pass

    def append(self, item: Any) -> None:
        pass


class _StructureReader(pickle.Unpickler):
    """Reads a pickle's structure (dicts, lists, plain values) without running its code: each global it names is a
    new :class:`_Refused` subclass that knows the name (tensors become such too)."""

    def find_class(self, module: str, name: str) -> type:
        # a pickle of protocol 2 (torch.save's) names Python 2's builtins: __builtin__.xrange is range, as pickle
        # reads it
        module, name = _compat_pickle.NAME_MAPPING.get((module, name), (module, name))
        module = _compat_pickle.IMPORT_MAPPING.get(module, module)
        return type("Refused", (_Refused,), {"qualified": f"{module}.{name}"})

    def persistent_load(self, pid: Any) -> None:
        return None


def _in_plugin_state(path: Path, refused: str) -> list[str]:
    """The plugins whose state (what each one's ``mvae_state_dict`` returned, under ``plugins``) holds the global that a
    load of ``path`` ``refused`` (torch's ``Unsupported global: GLOBAL module.name …``); none when no plugin's does,
    or the file cannot be read this far."""
    match = re.search(r"GLOBAL (\S+)", refused)
    if match is None:
        return []
    try:
        with zipfile.ZipFile(path) as archive:
            name = next(n for n in archive.namelist() if n.endswith("/data.pkl"))
            payload = _StructureReader(io.BytesIO(archive.read(name))).load()
        return [plugin for plugin, state in payload["plugins"].items() if _holds(state, match[1])]
    except Exception:  # a file too damaged to read its structure: torch's words alone
        return []


def _plugin_state_refused(path: Path, refusal: str, plugins: list[str]) -> CheckpointError:
    """The refusal of ``path`` (``refusal``: what torch refused) whose refused object is in the state the ``plugins``
    saved: it names them and the rule, and says what can be done, for any caller (a resume, ``--init-from`` the
    file). Not the caller's advice: a backup of the file holds the plugin's state too, and a fix of the plugin does
    not change the file; the run's best model holds no plugin state, so a new run can go on from it (the next step
    said both ways: :meth:`~mvae_core.run_steps.RunSteps.said_both_ways`)."""
    from mvae_core.run_steps import RunSteps  # run_steps reads this module's names through run_files

    named = f"plugin{'s' * (len(plugins) > 1)} {', '.join(map(repr, plugins))}"
    return RunSteps(path.parent).said_both_ways(
        CheckpointError,
        lambda steps: (
            f"{refusal}; it is in the state that {named} saved (mvae_state_dict), which may hold only plain data "
            "(dict, list, tuple, str, int, float, bool, None, tensors; no other subclasses of them: docs/hooks.md). "
            "A fix of the plugin does not change this file, and every checkpoint the run wrote holds the plugin's "
            f"state, so the run cannot be resumed: go on in a new run from its best model ({BEST_MODEL}, which "
            f"holds no plugin state: {steps.init_from}), or start one from scratch, with a version of the plugin "
            "whose mvae_state_dict returns plain data (as it is, it stops a new run at its first checkpoint, naming "
            "the type)"
        ),
    )


def _holds(value: Any, qualified: str, depth: int = _SETTINGS_DEPTH) -> bool:
    """Whether ``value``, as :class:`_StructureReader` read it, holds the global ``qualified`` (nested at most ``depth``
    deep)."""
    if isinstance(value, _Refused) or (isinstance(value, type) and issubclass(value, _Refused)):
        return _unqualified(value.qualified) == _unqualified(qualified)
    if isinstance(value, dict):
        items = [*value.keys(), *value.values()]
    else:
        items = list(value) if isinstance(value, list | tuple) else []
    return depth > 0 and any(_holds(item, qualified, depth - 1) for item in items)


def _unqualified(name: str) -> str:
    """A global's name as torch names it in a refusal: a builtin without its module (``range``, which
    :class:`_StructureReader` reads as ``builtins.range``)."""
    return name.removeprefix("builtins.")


def load_weights(model: torch.nn.Module, state: Any) -> None:
    """Load a saved ``state`` (a dict of tensors) into ``model``, built from the run's ``config.toml``.

    :raises CheckpointError: the tensors do not fit that model (:class:`WeightsMismatch`: a file copied from another
        run, a hand-edited ``config.toml``), or hold another type of number than its own (int8, bool or float16 for
        float32: torch would convert them without a word); the message says how they differ and what to do, and the
        caller prefixes the file.
    """
    expected = model.state_dict()
    if isinstance(state, dict) and (
        other := [
            (name, tensor.dtype, expected[name].dtype)
            for name, tensor in state.items()
            if isinstance(tensor, torch.Tensor) and name in expected and tensor.dtype != expected[name].dtype
        ]
    ):
        name, saved, built = (str(part).removeprefix("torch.") for part in other[0])
        raise CheckpointError(
            f"{len(other)} of its tensors hold another type of number than the model's (e.g. {name}: {saved} in the "
            f"file, {built} in the model; mvae writes them as the model holds them), so another program converted or "
            "wrote it: put back the run's own file (from a backup), or train again"
        )
    try:
        if not isinstance(state, dict):
            raise TypeError(f"the weights are a {type(state).__name__}, not a table of tensors")
        model.load_state_dict(state)
    except (RuntimeError, TypeError, ValueError, KeyError) as exc:
        tensors = _mismatch(exc)
        raise WeightsMismatch(
            f"its weights do not fit the model that the run's config.toml describes ({tensors}); the file comes "
            "from another run, or config.toml was edited: put back the run's own file and config.toml (from a "
            "backup), or start a new run",
            tensors,
        ) from None


_QUOTE = '"'  # torch quotes each key it lists


_NAMED_TENSORS = 3
"""How many tensors a message about weights that do not fit names of each kind (missing, not in the model)."""


def _mismatch(error: BaseException) -> str:
    """How torch's ``load_state_dict`` says the tensors differ, in a few words: how many tensors the model lacks and
    has to spare (the first :data:`_NAMED_TENSORS` of each by name), and how many it has in another shape (the first
    with both shapes)."""
    text = str(error)
    if not text.startswith("Error(s) in loading state_dict"):
        return reason(error)
    parts = []
    for label, pattern in (
        ("missing", r"Missing key\(s\) in state_dict: (.*)"),
        ("not in this model", r"Unexpected key\(s\) in state_dict: (.*)"),
    ):
        if found := re.search(pattern, text):
            names = re.findall(f"{_QUOTE}([^{_QUOTE}]*){_QUOTE}", found.group(1))
            parts.append(f"{len(names)} {label} ({listed(names, _NAMED_TENSORS)})")
    shapes = re.findall(
        r"size mismatch for (\S+): copying a param with shape torch.Size\((\[[^\]]*\])\) from "
        r"checkpoint, the shape in current model is torch.Size\((\[[^\]]*\])\)",
        text,
    )
    if shapes:
        name, saved, built = shapes[0]
        parts.append(f"{len(shapes)} of another shape, e.g. {name}: {saved} in the file, {built} in the model")
    return "tensors: " + ", ".join(parts) if parts else reason(error)


def save_model(path: Path, state: dict[str, torch.Tensor], metadata: dict[str, str]) -> None:
    """``state`` and ``metadata`` as a safetensors file at ``path`` (atomically); the same tensors and metadata give
    the same bytes (:func:`_canonical_header`), so two identical trainings write identical files."""
    tensors = {k: v.detach().cpu().contiguous() for k, v in state.items()}
    data = save(tensors, metadata=metadata)  # in memory: safetensors reports a full disk as a SafetensorError
    atomic_write(path, lambda tmp: tmp.write_bytes(_canonical_header(data)))


def _canonical_header(data: bytes) -> bytes:
    """The safetensors file ``data`` with its JSON header's keys in sorted order. safetensors writes the metadata
    table in its hash map's order, which changes from one process to the next; where each tensor lies is given by
    offsets into the data after the header, so the order of the keys (and the header's length, padded to 8 bytes as
    safetensors pads it) changes nothing a reader sees."""
    size = int.from_bytes(data[:8], "little")
    header = json.dumps(json.loads(data[8 : 8 + size]), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    encoded = header.encode() + b" " * (-len(header.encode()) % 8)
    return len(encoded).to_bytes(8, "little") + encoded + data[8 + size :]


def model_metadata(path: Path) -> dict[str, str]:
    """The metadata a model file was saved with (:func:`save_model`), read from its header alone (no tensor is
    loaded). :class:`CheckpointError` naming the file and what to do (:data:`_REPLACE_MODEL`) when it is missing or
    unreadable."""
    if not path.is_file():
        raise CheckpointError(_not_a_file(path, "model", _REPLACE_MODEL))
    try:
        with safe_open(str(path), framework="pt") as opened:
            return dict(opened.metadata() or {})
    except (SafetensorError, OSError, ValueError) as exc:
        raise CheckpointError(f"{path} is truncated or corrupt: {reason(exc)}; {_REPLACE_MODEL}") from None


def load_model_file(path: Path) -> tuple[dict[str, torch.Tensor], dict[str, str]]:
    """The tensors of a model file and the metadata it was saved with (:func:`save_model`), read from one open of
    the file: a model saved over it meanwhile (a training run's new best, written by a rename) is read whole, never
    its tensors with the other's metadata. :class:`CheckpointError` when it is missing (say why), unreadable, or
    holds numbers that are not finite (training never saves such weights: it stops at a non-finite loss)."""
    if not path.is_file():
        raise CheckpointError(_not_a_file(path, "model", _REPLACE_MODEL))
    try:
        with safe_open(str(path), framework="pt") as opened:  # a handle, not a dict: keys() lists its tensors
            metadata = dict(opened.metadata() or {})
            state = {name: opened.get_tensor(name) for name in opened.keys()}  # noqa: SIM118
    except (SafetensorError, OSError, ValueError) as exc:
        raise CheckpointError(f"{path} is truncated or corrupt: {reason(exc)}; {_REPLACE_MODEL}") from None
    if broken := [name for name, tensor in state.items() if tensor.is_floating_point() and not _finite(tensor)]:
        raise CheckpointError(
            f"{path} is damaged: {len(broken)} of its {len(state)} tensors hold NaN or infinite numbers "
            f"({listed(broken, 1)}), which decode to no music; restore it from a backup or train again"
        )
    return state, metadata


def _finite(tensor: torch.Tensor) -> bool:
    """Whether every number of a floating-point tensor is finite, for every such dtype (torch has no ``isfinite`` for
    the float8 types: checked in float32, as they convert exactly)."""
    if tensor.dtype.itemsize == 1:
        tensor = tensor.float()
    return bool(tensor.isfinite().all())
