"""summary.md named the mvae version that trained the runs, not the versions of plugins from packages: after an
upgrade of a plugin's package between two commands that add seeds, the summary mixed its versions without a word
(from the plugin author's review)."""

from __future__ import annotations

from mvae_core.ablation.about import versions_line
from mvae_core.version import VERSION


def _provenance(kit: str, resumed_with: str | None = None) -> dict:
    provenance = {
        "versions": {"mvae": VERSION, "torch": "2.13.0", "kl_anneal": VERSION, "grad_clip": kit},
        "packages": {"grad_clip": "mvae-author-kit"},
    }
    if resumed_with:
        provenance["resumed"] = [{"from_epoch": 2, "versions": {"grad_clip": resumed_with}}]
    return provenance


def test_the_versions_of_a_package_s_plugin_are_counted_per_run():
    line = versions_line([_provenance("0.1.0"), _provenance("0.1.0", resumed_with="0.2.0"), _provenance("0.2.0"), {}])
    assert line == (
        f"Trained by mvae {VERSION} (3 runs), unknown (1 run); grad_clip (mvae-author-kit) 0.1.0 (1 run), 0.2.0 "
        f"(2 runs); summarised by mvae {VERSION}."
    )


def test_built_in_plugins_alone_keep_the_line_as_it_was():
    assert versions_line([{"versions": {"mvae": VERSION, "kl_anneal": VERSION}}]) == (
        f"Trained by mvae {VERSION} (1 run); summarised by mvae {VERSION}."
    )
