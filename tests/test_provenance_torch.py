"""A run records the torch version and torch's CPU thread count in ``[provenance.versions]`` (``torch``,
``torch.threads``): both change its numbers in the last digits. A resume under another thread count (or torch) adds
a ``[[provenance.resumed]]`` entry and warns, as for another mvae version; a run written before they were recorded
resumes without a note. Before, neither was recorded anywhere."""

from __future__ import annotations

import tomllib
from pathlib import Path

import tomli_w
import torch

import mvae_core
from tests.training import TINY


def _provenance(run: Path) -> dict:
    return tomllib.loads((run / "config.toml").read_text(encoding="utf-8"))["provenance"]


def test_the_torch_version_and_thread_count_are_recorded_and_a_change_on_resume_too(synth_dir, tmp_path, capsys):
    run = tmp_path / "run"
    threads = torch.get_num_threads()
    mvae_core.train(data=[synth_dir], out=run, overrides=TINY, plugins=[], epochs=1, progress=False)
    versions = _provenance(run)["versions"]
    assert versions["torch"] == torch.__version__ and versions["torch.threads"] == str(threads)
    other = 2 if threads == 1 else 1
    torch.set_num_threads(other)
    try:
        mvae_core.train(out=run, resume=True, epochs=2, progress=True)
    finally:
        torch.set_num_threads(threads)
    assert _provenance(run)["resumed"] == [{"from_epoch": 2, "versions": {"torch.threads": str(other)}}]
    assert f"torch.threads {threads} → {other}" in " ".join(capsys.readouterr().err.split())  # a warning: stderr


def test_a_run_that_recorded_neither_resumes_without_a_note(synth_dir, tmp_path, capsys):
    run = tmp_path / "run"
    mvae_core.train(data=[synth_dir], out=run, overrides=TINY, plugins=[], epochs=1, progress=False)
    tree = tomllib.loads((run / "config.toml").read_text(encoding="utf-8"))
    for key in ("torch", "torch.threads", "torch.device"):  # as a run written before they were recorded
        del tree["provenance"]["versions"][key]
    (run / "config.toml").write_text(tomli_w.dumps(tree), encoding="utf-8")
    mvae_core.train(out=run, resume=True, epochs=2, progress=True)
    assert "resumed" not in _provenance(run) and "other versions" not in capsys.readouterr().out
