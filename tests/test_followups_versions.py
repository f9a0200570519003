"""A resume with other versions of mvae (or of a model's or plugin's package) keeps what trained each part."""

from __future__ import annotations

import tomllib

import mvae_core
import mvae_core.session

TINY = {"model.hidden": 32, "train.batch_size": 16, "data.transpositions": [-5, 5]}


def test_a_resume_with_another_version_keeps_the_first_and_records_the_new_one(
    synth_dir, tmp_path, monkeypatch, capsys
):
    run = tmp_path / "run"
    mvae_core.train(data=[synth_dir], out=run, overrides=TINY, plugins=[], epochs=1, progress=False)
    first = tomllib.loads((run / "config.toml").read_text(encoding="utf-8"))["provenance"]["versions"]["mvae"]
    monkeypatch.setattr(mvae_core.session, "VERSION", "9.9.9")
    mvae_core.train(out=run, resume=True, epochs=2, progress=True)
    provenance = tomllib.loads((run / "config.toml").read_text(encoding="utf-8"))["provenance"]
    assert provenance["versions"]["mvae"] == first  # epoch 1 was trained by it
    assert provenance["resumed"] == [{"from_epoch": 2, "versions": {"mvae": "9.9.9"}}]
    out = capsys.readouterr().out
    assert out.count(f"mvae {first} → 9.9.9") == 1 and "from epoch 2" in out
    mvae_core.train(out=run, resume=True, epochs=3, progress=False)  # the same version again: nothing more recorded
    assert (
        tomllib.loads((run / "config.toml").read_text(encoding="utf-8"))["provenance"]["resumed"]
        == provenance["resumed"]
    )
