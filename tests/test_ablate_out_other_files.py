"""``mvae ablate --out`` into a folder that is no earlier ablation's but holds what an ablation writes is refused
before anything is written (helper-435 F1: a user's summary.csv and summary.md were replaced); an earlier
ablation's folder is run again as before (tests/test_ablate*.py)."""

from __future__ import annotations

from typer.testing import CliRunner

from mvae_core.cli import app
from tests.training import TINY


def test_a_folder_with_a_users_summaries_is_refused(synth_dir, tmp_path):
    out = tmp_path / "ud2"
    out.mkdir()
    (out / "summary.csv").write_text("my,results\n")
    (out / "summary.md").write_text("# my notes\n")
    tiny = [arg for override in TINY for arg in ("--set", override)]
    args = ["ablate", synth_dir, "--plugins", "kl_anneal", "--seeds", 1, "--epochs", 1, "--jobs", 1, *tiny]
    result = CliRunner().invoke(app, [str(a) for a in [*args, "--out", out]])
    said = " ".join(result.output.split())
    assert result.exit_code == 2, result.output
    assert f"{out} holds summary.csv, summary.md, which an ablation there would write over or into" in said
    assert f"choose another output folder (a new one), or move them out of {out}" in said
    assert (out / "summary.csv").read_text() == "my,results\n" and sorted(p.name for p in out.iterdir()) == [
        "summary.csv",
        "summary.md",
    ]
