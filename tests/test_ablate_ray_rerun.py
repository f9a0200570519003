"""A re-run of an ablation whose runs are all finished only summarises them: with ``--executor ray`` it joins no Ray
cluster and starts no local instance (it did both, for nothing: seconds of Ray's start-up, or a refusal when the
cluster of the first run was gone)."""

from __future__ import annotations

import shutil

import pytest
from typer.testing import CliRunner

from mvae_core.cli import app
from tests.ports import refusing_port
from tests.training import TINY

pytest.importorskip("ray", reason="Ray is not installed: pip install 'mvae[ray]' (make test installs it)")


def test_a_finished_ablation_is_summarised_again_without_joining_ray(tiny_ablation, tmp_path):
    finished, plan, first = tiny_ablation  # every run finished (trained once for the session by the local pool)
    assert first.exit_code == 0, first.output
    out = shutil.copytree(finished, tmp_path / "abl")
    (out / "summary.md").unlink()
    args = [*map(str, plan), *[arg for override in TINY for arg in ("--set", override)], "--out", str(out)]
    with refusing_port() as port:
        address = f"127.0.0.1:{port}"
        again = CliRunner().invoke(app, [*args, "--executor", "ray", "--address", address])
    # before: 'error: --address 127.0.0.1:…: nothing accepts connections there …' (exit 2), with the runs all done
    assert again.exit_code == 0, again.output
    assert "4 finished (skipped), 0 to resume, 0 new" in again.output and "Ray" not in again.output
    assert (out / "summary.md").is_file()
