"""Each run's generated numbers (:func:`~mvae_core.ablation.facts.generated_numbers`) kept in the ablation's folder,
``out/generated/<config>/seed-<seed>.json``, so that ``mvae ablate`` run again over finished runs does not decode
every run's samples again. An entry holds the numbers and the key of everything that determined them
(:func:`generated_key`); an entry of another key (new weights, other samples, another mvae, ...) or one that cannot be
read is ignored, and the numbers computed again are written over it."""

from __future__ import annotations

import contextlib
import dataclasses
import json
from pathlib import Path
from typing import Any

import torch

from mvae_core.config import MvaeConfig
from mvae_core.decode_options import DecodeOptions
from mvae_core.files import WriteFailed, atomic_write
from mvae_core.run_versions import code_versions
from mvae_core.starting_weights import weights_digest
from mvae_core.version import source_commit

GENERATED_FORMAT = 1
"""The layout of an entry and of what its numbers hold; a change in either is a new number (old entries then differ).
Raise it too when a release changes what a number means (a measure fixed): a checkout's commit is in the key, an
installed wheel's version only."""


def generated_path(out: Path, config: str, seed: int) -> Path:
    """``out/generated/<config>/seed-<seed>.json``: where the generated numbers of one configuration × seed are kept."""
    return out / "generated" / config / f"seed-{seed}.json"


def generated_key(
    model: torch.nn.Module, cfg: MvaeConfig, samples: int, seed: int, validation: str | None
) -> dict[str, Any]:
    """What determines a run's generated numbers: the entry layout (:data:`GENERATED_FORMAT`), the code that decodes
    and measures them (mvae's and the model package's versions, :func:`~mvae_core.run_versions.code_versions`, and the
    commit of a git checkout, :func:`~mvae_core.version.source_commit`, since every commit has the same version;
    torch's version and thread count), the best model's weights (:func:`~mvae_core.starting_weights.weights_digest`),
    the run's config, the ``samples`` and ``seed`` and every decode option, and ``validation`` (the digest of the run's
    validation loops, or the word for why there are none). As JSON reads it back, so that a kept key compares
    equal."""
    key = {
        "format": GENERATED_FORMAT,
        "versions": {
            **code_versions(cfg.model.name),
            "mvae.commit": source_commit(),
            "torch": torch.__version__,
            "threads": torch.get_num_threads(),
        },
        "weights": weights_digest(model.state_dict()),
        "config": cfg.model_dump(mode="json"),
        "samples": samples,
        "decode": dataclasses.asdict(DecodeOptions(seed=seed)),
        "validation": validation,
    }
    return json.loads(json.dumps(key))


def kept_numbers(file: Path, key: dict[str, Any]) -> dict[str, Any] | None:
    """The numbers kept in ``file`` under ``key``; None when there are none, the entry's key differs, or the file
    cannot be read (damaged, or of another shape)."""
    try:
        entry = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError):  # none yet, unreadable, or not JSON (UnicodeDecodeError is a ValueError)
        return None
    if not isinstance(entry, dict) or entry.get("key") != key or not isinstance(entry.get("numbers"), dict):
        return None
    return entry["numbers"]


def keep_numbers(file: Path, key: dict[str, Any], numbers: dict[str, Any]) -> None:
    """Write ``numbers`` and their ``key`` to ``file`` (atomically: a killed write leaves the old entry or none). A
    folder that refuses it is no error: the numbers are then computed again next time."""
    text = json.dumps({"key": key, "numbers": numbers})
    with contextlib.suppress(WriteFailed):
        atomic_write(file, lambda tmp: tmp.write_text(text, encoding="utf-8"), durable=False)
