"""A re-run of an ablation whose runs are all finished only summarises them: with ``--executor ray`` it joins no Ray
cluster and starts no local instance (it did both, for nothing: seconds of Ray's start-up, or a refusal when the
cluster of the first run was gone)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from mvae_core.cli import app
from tests.ports import refusing_port
from tests.training import TINY

pytest.importorskip("ray", reason="Ray is not installed: pip install 'mvae[ray]' (make test installs it)")

CONFIGS = """
[configs.bare]
plugins = []
"""


def test_a_finished_ablation_is_summarised_again_without_joining_ray(synth_dir, tmp_path):
    configs, out = tmp_path / "one.toml", tmp_path / "abl"
    configs.write_text(CONFIGS, encoding="utf-8")
    args = ["ablate", str(synth_dir), "--configs", str(configs), "--seeds", "1", "--epochs", "1", "--samples", "8"]
    args += [arg for override in TINY for arg in ("--set", override)] + ["--out", str(out)]
    first = CliRunner().invoke(app, args)
    assert first.exit_code == 0, first.output
    (out / "summary.md").unlink()
    with refusing_port() as port:
        address = f"127.0.0.1:{port}"
        again = CliRunner().invoke(app, [*args, "--executor", "ray", "--address", address])
    # before: 'error: --address 127.0.0.1:…: nothing accepts connections there …' (exit 2), with the runs all done
    assert again.exit_code == 0, again.output
    assert "1 finished (skipped), 0 to resume, 0 new" in again.output and "Ray" not in again.output
    assert (out / "summary.md").is_file()
