"""An unknown plugin's error says what the unknown model's says (helper-489 F9): a plugin of a package that is not
installed here (``mvae train --plugins all,tensorboard`` before ``pip install examples/mvae-tensorboard``) is
unknown, so the error names installing it, for any name, beside the closest name and the list."""

from __future__ import annotations

from typer.testing import CliRunner

from mvae_core.cli import app
from mvae_core.plugins import unknown_plugin

INSTALL = "If 'tensorboard' is a plugin of a package, install it (mvae plugins lists what is installed)."


def test_the_command_line_names_installing_a_package_for_an_unknown_plugin(tmp_path):
    args = ["train", str(tmp_path), "--plugins", "all,tensorboard", "--epochs", "1", "--out", str(tmp_path / "r")]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    said = " ".join(result.stderr.split())
    assert said.startswith("error: plugins.enabled: unknown plugin 'tensorboard'. Available: "), said
    assert said.endswith(f"(and all, none). {INSTALL}"), said


def test_every_unknown_name_gets_the_same_sentence_but_a_list_with_the_wrong_separator():
    said = unknown_plugin("kl_anel", ["kl_anneal", "ts_ramp"])
    assert said == (
        "unknown plugin 'kl_anel'; did you mean 'kl_anneal'? Available: kl_anneal, ts_ramp (and all, none). If "
        "'kl_anel' is a plugin of a package, install it (mvae plugins lists what is installed)."
    )
    listed = unknown_plugin("kl_anneal ts_ramp", ["kl_anneal", "ts_ramp"])  # known names: only the comma is wrong
    assert listed.endswith("(and all, none).") and "install" not in listed
