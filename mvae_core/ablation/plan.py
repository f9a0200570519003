"""The configurations of an ablation: which plugins each one enables and which ``--set`` overrides it adds.

Modes over a plugin list ``P`` (order kept):

* ``leave-one-out``: ``all`` (every plugin of ``P``), ``none``, then ``no-<p>`` (all but ``p``) for each ``p``;
* ``add-one``: ``none``, ``only-<p>`` for each ``p``, then ``all``;
* ``factorial``: every subset of ``P`` (``2^|P|``), by size, then in ``P``'s order; named ``none``, ``all`` or
  the members joined by ``+``;
* ``list``: the configurations of a ``--configs`` TOML file (:func:`read_plan`).

A generated configuration whose plugin set equals an earlier one's (e.g. ``no-a`` = ``none`` when ``P = [a]``)
is left out. ``all`` and ``none`` are the references that paired differences are taken against (a ``--configs``
file may name others: its ``references``).
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from mvae_core.config import ConfigError, apply_override, format_validation_error, read_toml
from mvae_core.errors import MvaeError
from mvae_core.suggest import did_you_mean

DEFAULT_OUT = Path("runs/ablation")
"""Where an ablation writes when no ``out`` is given."""
DEFAULT_SEEDS = 3
"""Seeds per configuration when none is given (``train.seed`` 0 … 2)."""
MAX_SEEDS = 100
"""The most seeds per configuration: each seed trains one run of every configuration, so a typo (``--seeds 1000``)
would start thousands of trainings; 100 seeds already narrow a 95 % interval to ±0.2 standard deviations."""
DEFAULT_SAMPLES = 256
"""Latent points each run's best model decodes for the summary's generated columns when none is given."""

MODES = ("leave-one-out", "add-one", "factorial", "list")
ALL, NONE = "all", "none"
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.+-]*")
M = TypeVar("M", bound=BaseModel)


class PlanError(MvaeError, ValueError):
    """A bad mode, plugin list or ``--configs`` file; the message names the cause (CLI exit code 2)."""


@dataclass(frozen=True)
class Configuration:
    """One arm of the ablation: a name (its folder under ``DIR/runs``), the ``plugins.enabled`` list, overrides."""

    name: str
    plugins: tuple[str, ...]
    overrides: tuple[str, ...] = ()

    def tree(self, base: dict[str, Any], overrides: list[str]) -> dict[str, Any]:
        """The config of this configuration's runs, as written to ``DIR/configs/<name>.toml``: ``base`` (the
        ``--config`` file), the command's ``--set`` ``overrides``, this configuration's own overrides, then its
        ``plugins.enabled``. Only what was given is in it (defaults stay defaults); seed and epochs are flags of
        each run. Raises :class:`~mvae_core.config.ConfigError` for a malformed override."""
        tree = copy.deepcopy(base)
        for assignment in [*overrides, *self.overrides, f"plugins.enabled={json.dumps(list(self.plugins))}"]:
            apply_override(tree, assignment)
        return tree


def expand(mode: str, plugins: list[str]) -> list[Configuration]:
    """The configurations of a generated mode over ``plugins`` (``list`` is read by :func:`read_plan`)."""
    if not plugins:
        raise PlanError("an ablation needs at least one plugin to switch on and off (plugins: a,b,...)")
    if len(set(plugins)) != len(plugins):
        raise PlanError(f"the plugins list names a plugin twice: {','.join(plugins)}")
    everything, nothing = Configuration(ALL, tuple(plugins)), Configuration(NONE, ())
    if mode == "leave-one-out":
        arms = [everything, nothing]
        arms += [Configuration(f"no-{p}", tuple(q for q in plugins if q != p)) for p in plugins]
    elif mode == "add-one":
        arms = [nothing, *(Configuration(f"only-{p}", (p,)) for p in plugins), everything]
    elif mode == "factorial":
        arms = [
            everything if len(subset) == len(plugins) else Configuration("+".join(subset) or NONE, subset)
            for size in range(len(plugins) + 1)
            for subset in combinations(plugins, size)
        ]
    else:
        raise PlanError(f"mode {mode!r} does not generate configurations; modes are {', '.join(MODES)}")
    return _distinct(arms)


def _distinct(arms: list[Configuration]) -> list[Configuration]:
    seen: set[frozenset[str]] = set()
    kept = []
    for arm in arms:
        key = frozenset(arm.plugins)
        if key not in seen:
            seen.add(key)
            kept.append(arm)
    return kept


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    plugins: list[str] = Field(description="plugins.enabled of this configuration ([] = none; 'all' = built-ins).")
    set: list[str] = Field(default_factory=list, description="--set overrides, applied after the command's own.")


REFERENCES = (ALL, NONE)
"""The configurations paired differences are taken against, unless a ``--configs`` file names its ``references``."""


class _ConfigsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    configs: dict[str, dict[str, Any]] = Field(min_length=1, description="[configs.<name>] tables (_Entry each).")
    references: list[str] = Field(
        default=list(REFERENCES), description="the configurations to take paired differences against, in order."
    )


def read_plan(path: Path) -> tuple[list[Configuration], tuple[str, ...]]:
    """The ``[configs.<name>]`` tables of a ``--configs`` file, in file order, and its ``references``.

    Each table has ``plugins`` (a list of plugin names, ``[]`` for none) and optionally ``set`` (a list of
    ``dotted.key=value`` strings, as ``--set``). Names are folder names: letters, digits, ``_ . + -``.
    ``references`` (top level) are the configurations the summary takes paired differences against (default
    :data:`REFERENCES`): at least one, each one of the file's (else a :class:`PlanError` naming it), none twice."""
    try:
        tree = read_toml(Path(path), "configs file")
    except ConfigError as exc:
        raise PlanError(str(exc)) from None
    if not isinstance(tree.get("configs"), dict) or not tree["configs"]:  # an empty file, or tables at the top
        found = f"its top level has {', '.join(tree)}" if tree else "the file is empty"
        raise PlanError(
            f"configs {path}: no [configs.<name>] table ({found}); each configuration is one, with its plugins, e.g. "
            '[configs.none] plugins = [] and [configs.kl] plugins = ["kl_anneal"] (docs/ablation.md)'
        )
    arms = []
    folders: dict[str, str] = {}  # casefolded name -> the name: folders that one disk would take for one
    plan = _validated(_ConfigsFile, tree, "", path)
    for name, table in plan.configs.items():
        if not NAME.fullmatch(name):
            raise PlanError(
                f"configs {path}: configuration name {name!r} must start with a letter or digit and hold only "
                "letters, digits, '_', '.', '+' and '-' (it names a folder)"
            )
        if (other := folders.setdefault(name.casefold(), name)) != name:
            raise PlanError(
                f"configs {path}: configurations {other!r} and {name!r} differ only in case; their folders would be "
                "one on a case-insensitive disk (macOS's and Windows' by default): rename one"
            )
        entry = _validated(_Entry, table, f"configs.{name}.", path)
        if _sets_seed(entry.set):
            raise PlanError(
                f"configs {path}: configuration {name!r} sets train.seed, which the ablation sets in each run itself "
                "(train.seed 0 … seeds − 1), so the value would never be used: leave it out of its set"
            )
        arms.append(Configuration(name, tuple(entry.plugins), tuple(entry.set)))
    if "references" in tree:  # given: each a configuration of the file, once
        for name in plan.references:
            if name not in plan.configs:
                raise PlanError(
                    f"configs {path}: references names {name!r}, which is no configuration of the file"
                    f"{did_you_mean(name, list(plan.configs))} Its configurations: {', '.join(plan.configs)}."
                )
        if not plan.references:
            raise PlanError(
                f"configs {path}: references = [] names no configuration, so nothing would be paired: name one "
                f"(of {', '.join(plan.configs)}), or leave the key out to pair against all and none"
            )
        if len(set(plan.references)) != len(plan.references):
            raise PlanError(f"configs {path}: references names a configuration twice: {', '.join(plan.references)}")
    return arms, tuple(plan.references)


def _sets_seed(assignments: list[str]) -> bool:
    """Whether a configuration's ``set`` gives ``train.seed`` (``train.seed = 7``, or ``train = {seed = 7}``); an
    assignment that cannot be read is left to the check of the built configuration, which names it."""
    tree: dict[str, Any] = {}
    try:
        for assignment in assignments:
            apply_override(tree, assignment)
    except ConfigError:
        return False
    return isinstance(train := tree.get("train"), dict) and "seed" in train


def _validated(model: type[M], data: Any, prefix: str, path: Path) -> M:
    """``data`` as ``model``; a bad field is one :class:`PlanError` naming it, an unknown key also the closest valid
    one (``configs.a.sett = [...]: unknown setting; did you mean configs.a.set?``)."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise PlanError(f"configs {path}: {format_validation_error(exc, prefix, model)}") from None
