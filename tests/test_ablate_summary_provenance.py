"""summary.md names what else the numbers depend on: torch's version, the device and mvae's commit that trained the
runs, and the content of the data they trained on (a digest of the files each run's split.json records), so a cited
result can be matched with the files and code that gave it. Before, it named only the DATA paths and mvae's version:
files edited between two commands of one ablation, or another torch, left no trace in it."""

from __future__ import annotations

import hashlib
import json

import pytest
import torch

from mvae_core.ablation.about import data_line


def _digest(split: dict) -> str:
    return hashlib.sha256("\n".join(sorted(split["content"].values())).encode()).hexdigest()[:16]


@pytest.mark.slow
def test_the_summary_names_torch_the_device_the_commit_and_the_data_s_content(tiny_ablation):
    out, _, first = tiny_ablation
    assert first.exit_code == 0, first.output
    splits = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(out.glob("runs/*/seed-*/split.json"))]
    assert len(splits) == 4 and len({_digest(s) for s in splits}) == 1
    summary = (out / "summary.md").read_text(encoding="utf-8")
    assert f"Data content digest {_digest(splits[0])} in every run that recorded one" in summary
    assert f"Computed with torch {torch.__version__} (4 runs); device cpu (4 runs)" in summary


def _run(out, name, content):
    run = out / "runs" / name / "seed-0"
    run.mkdir(parents=True)
    if content is not None:
        (run / "split.json").write_text(json.dumps({"train": [], "validation": [], "content": content}))
    return {"run": f"runs/{name}/seed-0"}


def test_runs_on_other_contents_are_counted_apart(tmp_path):
    rows = [_run(tmp_path, "a", {"x.mid": "1" * 16}), _run(tmp_path, "b", {"x.mid": "2" * 16}),
            _run(tmp_path, "c", {"y.mid": "2" * 16}), _run(tmp_path, "d", None)]  # fmt: skip
    line = data_line(rows, tmp_path)
    one, two = _digest({"content": {"x": "1" * 16}}), _digest({"content": {"x": "2" * 16}})
    # c's file has b's content under another name: the same data, moved
    assert line.startswith(f"Data content digests: {one} (1 run); {two} (2 runs); 1 run recorded none: "), line


def test_configurations_with_other_data_settings_are_not_said_to_have_edited_files(tmp_path):
    """A configuration with data.min_onsets = 2 keeps a sparse file the default drops: its digest differs, and
    summary.md said 'the runs did not all train on the same files (edited, added or removed between commands …)'."""
    rows = [_run(tmp_path, "none", {"x.mid": "1" * 16}) | {"config": "none"},
            _run(tmp_path, "sparse", {"x.mid": "1" * 16, "s.mid": "3" * 16}) | {"config": "sparse"}]  # fmt: skip
    one, two = _digest({"content": {"x": "1" * 16}}), _digest({"content": {"x": "1" * 16, "s": "3" * 16}})
    line = data_line(rows, tmp_path, {"none": "{}", "sparse": '{"min_onsets": 2}'})
    assert line.startswith(f"Data content digests: {one} (none: 1 run); {two} (sparse: 1 run): configurations with "
                           "other [data] settings kept or dropped other files"), line  # fmt: skip
    assert "edited, added or removed" not in line
    same = data_line(rows, tmp_path, {"none": "{}", "sparse": "{}"})  # one [data] section: the files changed
    assert "the runs did not all train on the same files (edited, added or removed" in same
