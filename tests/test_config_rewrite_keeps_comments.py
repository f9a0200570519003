"""A rewrite of a run's config.toml (a resume's --epochs, versions recorded, the data's new place) keeps what a hand
wrote in it (helper-483 F5): it was written again from its values (tomli_w), dropping every comment, though the resume
takes comments as no edit. Now the values that changed are set in the file as it is (tomlkit). The versions warning
names `[[provenance.resumed]]`, the table the file holds now (tomli_w wrote `resumed = [...]` under `[provenance]`)."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import mvae_core
import mvae_core.run_versions
from mvae_core.run import RunDir


def _commented(run: Path) -> str:
    config = run / "config.toml"
    text = config.read_text(encoding="utf-8")
    assert "lr = 0.001\n" in text
    text = "# lr sweep 3 of 5: see notebook p. 12\n" + text.replace("lr = 0.001\n", "lr = 0.001  # chosen by sweep\n")
    config.write_text(text, encoding="utf-8")
    return text


def test_a_resume_with_more_epochs_and_other_versions_keeps_the_comments(tiny_run, tmp_path, monkeypatch, capsys):
    run = Path(shutil.copytree(tiny_run, tmp_path / "run"))
    _commented(run)
    monkeypatch.setattr(mvae_core.run_versions, "VERSION", "9.9.9")
    mvae_core.train(out=run, resume=True, epochs=4, progress=True)
    text = (run / "config.toml").read_text(encoding="utf-8")
    assert text.startswith("# lr sweep 3 of 5: see notebook p. 12\n") and "lr = 0.001  # chosen by sweep\n" in text
    tree = tomllib.loads(text)
    assert tree["train"]["epochs"] == 4 and tree["provenance"]["resumed"][0]["versions"]["mvae"] == "9.9.9"
    err = " ".join(capsys.readouterr().err.split())
    assert "(config.toml keeps both: [provenance.versions] and [[provenance.resumed]])" in err, err
    assert "\n[[provenance.resumed]]\n" in text  # as the warning names it


def test_the_rewrite_holds_the_new_values_and_keeps_the_others(tiny_run, tmp_path):
    run = Path(shutil.copytree(tiny_run, tmp_path / "run"))
    expected = tomllib.loads(_commented(run))
    expected["train"]["epochs"] = 9
    expected["provenance"] |= {"data": ["/new/place"], "data_fingerprint": "0123456789abcdef"}
    runs = RunDir(run)
    cfg = runs.read_config()
    runs.rewrite_config(cfg.model_copy(update={"train": cfg.train.model_copy(update={"epochs": 9})}),
                        ["/new/place"], "0123456789abcdef")  # fmt: skip
    text = (run / "config.toml").read_text(encoding="utf-8")
    assert tomllib.loads(text) == expected and "lr = 0.001  # chosen by sweep\n" in text
