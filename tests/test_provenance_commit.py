"""A run records the commit of the git checkout mvae runs from (``mvae.commit``): every commit has the same version
(0.1.0), so a run resumed under other code had no word of it, though its numbers change in the last digits."""

from __future__ import annotations

import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

import mvae_core
from mvae_core.version import source_commit
from tests.training import TINY

ROOT = Path(__file__).resolve().parents[1]
COMMIT = "0123456789abcdef0123456789abcdef01234567"


@pytest.mark.parametrize(
    ("layout", "expected"),
    [
        ({".git/HEAD": "ref: refs/heads/main\n", ".git/refs/heads/main": COMMIT + "\n"}, COMMIT[:12]),
        ({".git/HEAD": "ref: refs/heads/main\n", ".git/packed-refs": f"# pack\n{COMMIT} refs/heads/main\n"}, COMMIT[:12]),
        ({".git/HEAD": COMMIT + "\n"}, COMMIT[:12]),  # detached
        (  # a worktree: .git is a file naming its folder, whose commondir holds the refs
            {".git": "gitdir: main/.git/worktrees/w\n", "main/.git/worktrees/w/HEAD": "ref: refs/heads/w\n",
             "main/.git/worktrees/w/commondir": "../..\n", "main/.git/refs/heads/w": COMMIT + "\n"},
            COMMIT[:12],
        ),
        ({}, None),  # no checkout: an installed wheel
        ({".git/HEAD": "ref: refs/heads/gone\n"}, None),
    ],
    ids=["loose", "packed", "detached", "worktree", "none", "unborn"],
)  # fmt: skip
def test_the_commit_is_read_from_the_checkout(tmp_path, layout, expected):
    for name, text in layout.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    assert source_commit(tmp_path) == expected


@pytest.mark.skipif(shutil.which("git") is None or not (ROOT / ".git").exists(), reason="not a git checkout")
def test_a_run_records_the_commit_it_was_trained_with(synth_dir, tmp_path):
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True, check=True)
    run = tmp_path / "run"
    mvae_core.train([synth_dir], run, overrides=TINY, plugins=[], epochs=1, progress=False)
    versions = tomllib.loads((run / "config.toml").read_text())["provenance"]["versions"]
    assert versions["mvae.commit"] == head.stdout.strip()[:12]
