"""A resume records (and warns of) a plugin's version change only when its code changed, not when the same code is
recorded another way: an object of a registered plugin's own class built again from its recorded settings, or a run
recorded before objects named their distribution and version (run_versions.record_versions)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mvae_core.config import MvaeConfig
from mvae_core.run import RunDir
from mvae_core.version import VERSION
from mvae_plugins.kl_anneal import KlAnneal

KL_CLASS = "mvae_plugins.kl_anneal:KlAnneal"
KL_OBJECT = f"object {KL_CLASS} from mvae {VERSION}"


class NotebookKl(KlAnneal):
    """A subclass of the built-in: other code than the registered plugin."""


def _run_trained_with(folder: Path, kl_anneal: str) -> RunDir:
    """A run folder whose ``[provenance.versions]`` says ``kl_anneal`` trained it so."""
    run = RunDir(folder)
    run.write_config(MvaeConfig(), {"mvae": VERSION, "kl_anneal": kl_anneal}, [str(folder / "data")], "0" * 16)
    return run


@pytest.mark.parametrize(
    ("trained", "resumed"),
    [
        (KL_OBJECT, VERSION),  # the object built again from its recorded settings, as the registered plugin
        (VERSION, KL_OBJECT),  # the registered plugin, resumed from Python with an object of its class
        (f"object {KL_CLASS}", KL_OBJECT),  # a run recorded before objects named their version, the object again
    ],
    ids=["rebuilt-from-settings", "object-of-the-registered-class", "recorded-before-versions"],
)
def test_the_same_plugin_code_recorded_another_way_is_no_change(tmp_path: Path, trained: str, resumed: str) -> None:
    run = _run_trained_with(tmp_path, trained)
    assert run.record_versions({"mvae": VERSION, "kl_anneal": resumed}, 3) == {}
    assert "resumed" not in run.read_provenance()


@pytest.mark.parametrize(
    ("trained", "resumed"),
    [
        (f"object {KL_CLASS} from mvae 0.0.1", VERSION),  # rebuilt by a newer mvae
        (KL_OBJECT, f"object {KL_CLASS} from mvae 0.0.1"),  # the object from another version
        (KL_OBJECT, f"object {__name__}:NotebookKl"),  # another class (a subclass) under the name
        (f"object {__name__}:NotebookKl", VERSION),  # a subclass's run resumed as the registered plugin
        ("0.0.1", VERSION),  # a registered plugin upgraded
    ],
    ids=["rebuilt-newer", "object-other-version", "object-other-class", "subclass-to-registered", "registered"],
)
def test_another_class_or_version_is_recorded_and_returned(tmp_path: Path, trained: str, resumed: str) -> None:
    run = _run_trained_with(tmp_path, trained)
    assert run.record_versions({"mvae": VERSION, "kl_anneal": resumed}, 3) == {"kl_anneal": (trained, resumed)}
    assert run.read_provenance()["resumed"] == [{"from_epoch": 3, "versions": {"kl_anneal": resumed}}]
