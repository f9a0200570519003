"""Resuming a run whose plugin's package is not installed said "install it", without the package, and "remove it from
[plugins] enabled", after which the resume failed again on the plugin's own ``[plugins.<name>]`` section (a plugin
author's review). The refusal now names the pip command that ``[provenance.packages]`` records, and the section."""

from __future__ import annotations

import shutil
import tomllib

import pytest
import tomli_w

import mvae_core
from mvae_core.errors import ResumeRefused
from tests.training import TINY


def test_the_refusal_names_the_package_and_the_section(synth_dir, tmp_path):
    run = tmp_path / "run"
    mvae_core.train([synth_dir], run, overrides=TINY, plugins=["kl_anneal"], epochs=1, progress=False)
    copy = shutil.copytree(run, tmp_path / "copy")
    tree = tomllib.loads((copy / "config.toml").read_text(encoding="utf-8"))
    tree["plugins"]["enabled"] = ["latent_center"]  # as if trained with a package's plugin not installed here
    tree["plugins"]["latent_center"] = tree["plugins"].pop("kl_anneal")
    tree["provenance"]["versions"]["latent_center"] = "0.1.0"
    tree["provenance"]["packages"] = {"latent_center": "mvae-latent-center"}
    (copy / "config.toml").write_text(tomli_w.dumps(tree), encoding="utf-8")
    with pytest.raises(ResumeRefused) as refused:
        mvae_core.train(out=copy, resume=True, epochs=2, progress=False)
    assert str(refused.value) == (
        f"{copy} was trained with plugin 'latent_center' (version 0.1.0), which is not installed here; install it "
        "(pip install 'mvae-latent-center==0.1.0'), or continue without it: remove it from [plugins] enabled and its "
        f"[plugins.latent_center] section in {copy / 'config.toml'}"
    )
