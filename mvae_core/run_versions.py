"""The versions that trained a run (``[provenance.versions]`` and its ``[[provenance.resumed]]`` entries): a resume's
other versions recorded, and the hints that name them in errors the installed code gives for the run's files; and the
versions of the code here they are compared with (:func:`code_versions`, :func:`training_versions`), the one place
that reads mvae's own (:data:`~mvae_core.version.VERSION`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mvae_core.checkpoint import CheckpointError, WeightsMismatch
from mvae_core.config import PROVENANCE, ConfigError, MvaeConfig
from mvae_core.host import OBJECT_ORIGIN, is_registered_class, object_class, object_class_version
from mvae_core.models import VERSION_KEY_PREFIX, installed_model_version, model_versions
from mvae_core.plugins import available_plugins
from mvae_core.provenance import distribution_version, last_part_versions, part_name
from mvae_core.run_config import RunConfig
from mvae_core.version import VERSION


def code_versions(model: str) -> dict[str, str | None]:
    """The versions installed here of the code that builds and loads a run's model: mvae's and the package's of the
    model named ``model`` (None: no installed model has that name), keyed as ``[provenance.versions]`` keys them;
    what a run's recorded versions are compared with (:meth:`RunVersions.with_version_hint`)."""
    return {"mvae": VERSION, **installed_model_version(model)}


def training_versions(cfg: MvaeConfig, numerics: Mapping[str, str], plugins: Mapping[str, str]) -> dict[str, str]:
    """What ``[provenance.versions]`` records of a training with ``cfg``: mvae's version, the ``numerics``
    (:data:`~mvae_core.version.NUMERICS`), the model's package's version (none for a built-in model: mvae's covers
    it) and the ``plugins``' (:attr:`~mvae_core.host.PluginHost.versions`), in that order."""
    return {"mvae": VERSION, **numerics, **model_versions(cfg), **plugins}


def same_plugin_code(name: str, was: str, now: str) -> bool:
    """Whether the plugin ``name`` recorded as ``was`` and as ``now`` in ``[provenance.versions]`` (a registered
    plugin's version, or a plugin object's ``object module:Class from <distribution> <version>``,
    :func:`~mvae_core.host.object_version`) is the same code, though recorded another way:

    - two objects of the same class, of the same version where both name one (a run recorded before objects named
      their distribution and version says only ``object module:Class``: unknown is no change);
    - an object of the registered plugin ``name``'s own class (:func:`~mvae_core.host.is_registered_class`) and
      that registered plugin, of the same version (a resume that builds the object again from its recorded
      settings, :func:`~mvae_core.host.rebuilt_from_settings`).

    Another class, or another version, is a change."""
    was_class, now_class = object_class(was), object_class(now)
    if was_class is None and now_class is None:
        return was == now
    if was_class is not None and now_class is not None:
        versions = {object_class_version(was), object_class_version(now)} - {None}
        return was_class == now_class and len(versions) <= 1
    plugin_class, entry, version = (was_class, was, now) if was_class is not None else (now_class, now, was)
    registered = available_plugins().get(name)
    return (
        object_class_version(entry) == version
        and registered is not None
        and is_registered_class(plugin_class, registered)
    )


class RunVersions(RunConfig):
    """The part of :class:`~mvae_core.run.RunDir` that records and names the versions that trained the run."""

    def record_versions(self, versions: Mapping[str, str], epoch: int) -> dict[str, tuple[str, str]]:
        """Record that the versions in ``versions`` train the run from ``epoch`` (1-based) on, when any differs from
        those that trained its last part: ``[provenance.versions]`` keeps the versions the run started with, and
        each resume that changed one adds a ``[[provenance.resumed]]`` entry (``from_epoch``, counted from 1 as the
        console counts, and ``versions`` holding the ones that changed). A plugin recorded another way but with the
        same code (:func:`same_plugin_code`: an object of a registered plugin's own class built again from its
        recorded settings, a run recorded before objects named their version) has not changed. Returns the
        changes, ``{name: (before, now)}`` (empty: nothing written)."""
        provenance = self.read_provenance()
        before = self.trained_versions()
        changed = {
            n: (str(before.get(n, "none")), str(v))
            for n, v in versions.items()
            if before.get(n) != v and not (n in before and same_plugin_code(n, str(before[n]), str(v)))
        }
        if changed:
            tree = self._read_tree()
            entry = {"from_epoch": epoch, "versions": {n: now for n, (_, now) in changed.items()}}
            tree.setdefault(PROVENANCE, {})["resumed"] = [*provenance.get("resumed", []), entry]
            self._rewrite_tree(tree)
        return changed

    def trained_versions(self) -> dict[str, str]:
        """The versions that trained the run's last part: ``[provenance.versions]`` with each
        ``[[provenance.resumed]]`` entry over it (:meth:`record_versions`)."""
        return last_part_versions(self.read_provenance())

    def _version_hint(self, installed: Mapping[str, str | None]) -> str:
        """For an error that the installed code refuses the run's config: ``"; RUN was trained with plugin 'r' 0.3.0
        (installed here: 0.5.0)"`` naming each part whose ``installed`` version (None: not installed) differs from
        the one that trained the run (parts handed over as Python objects left out); ``""`` when none does."""
        trained, packages = self.trained_versions(), self.read_provenance().get("packages", {})

        def now_here(name: str, now: str | None) -> str:
            if now is not None:
                return f"installed: {now}"
            if name not in packages:
                return "not installed"
            if (present := distribution_version(packages[name])) is None:
                return f"not installed: pip install {packages[name]}"
            # the package is here, but this version of it has no such part (renamed or removed since)
            return f"{packages[name]} {present} has none: pip install '{packages[name]}=={trained[name]}'"

        parts = [
            f"{part_name(name)} {trained[name]} ({now_here(name, installed[name])})"
            for name in self._differing(installed)
        ]
        return f"; {self.path} was trained with {', '.join(parts)}" if parts else ""

    def _differing(self, installed: Mapping[str, str | None]) -> list[str]:
        """The parts of ``installed`` (name → version here, None: not installed) whose version differs from the one
        that trained the run, in ``installed``'s order; parts handed over as Python objects left out."""
        trained = self.trained_versions()
        return [
            name
            for name, now in installed.items()
            if name in trained and not str(trained[name]).startswith(OBJECT_ORIGIN) and trained[name] != now
        ]

    def refused_weights(self, error: CheckpointError, installed: Mapping[str, str | None]) -> str:
        """What to say of weights that the installed model refuses (``error``): when the model's code is of another
        version than the one that trained the run (its package's, or mvae's for a built-in), that change is the likely
        cause, so the message leads with it and the command that installs the version that trained the run; else
        ``error``'s own message (another run's file, an edited config) with :meth:`_version_hint`."""
        changed = [
            name
            for name in self._differing(installed)
            if (name == "mvae" or name.startswith(VERSION_KEY_PREFIX)) and installed[name] is not None
        ]
        if not isinstance(error, WeightsMismatch) or not changed:
            return self.with_version_hint(str(error), installed)
        name, was = changed[-1], self.trained_versions()[changed[-1]]  # the model's own package before mvae
        package = "mvae" if name == "mvae" else self.read_provenance().get("packages", {}).get(name)
        install = f"pip install '{package}=={was}'" if package else f"{part_name(name)} {was}"
        return (
            f"its weights do not fit {part_name(name)} {installed[name]} installed here ({error.tensors}): "
            f"{self.path} was trained with {was}, whose weights are laid out otherwise; install that version "
            f"({install}), or a version of the package that converts the earlier weights as it loads them "
            "(docs/models.md, Writing a model)"
        )

    def refused_settings(self, message: str, model: Mapping[str, Any]) -> str:
        """:meth:`RunConfig.refused_settings <mvae_core.run_config.RunConfig.refused_settings>` with
        :meth:`with_version_hint` for mvae and the package of the ``model`` the config names (:func:`code_versions`): a
        setting unknown here may be one of the newer version that trained the run. ``message`` alone when the run's
        ``[provenance]`` cannot be read (its own error names it)."""
        name = model.get("name") if isinstance(model, Mapping) else None
        installed = code_versions(name) if isinstance(name, str) else {"mvae": VERSION}
        try:
            return self.with_version_hint(message, installed)
        except ConfigError:
            return message

    def with_version_hint(self, message: str, installed: Mapping[str, str | None]) -> str:
        """``message`` (one sentence, its full stop kept last) ending with :meth:`_version_hint` when a part's version
        differs: an error the installed code gives for the run's files may come from that change."""
        stop = "." if message.endswith(".") else ""
        return f"{message.removesuffix('.')}{self._version_hint(installed)}{stop}"
