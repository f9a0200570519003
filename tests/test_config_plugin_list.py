"""``--plugins "kl_anneal ts_ramp"`` (spaces, or ``;``, where commas belong) suggested one of the two plugins
("did you mean 'kl_anneal'?"), so following the hint dropped the other; it now suggests the list with commas."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from mvae_core.cli import app
from mvae_core.config import ConfigError
from mvae_core.plugins import available_plugins, resolve_enabled


@pytest.mark.parametrize("given", ["kl_anneal ts_ramp", "kl_anneal; ts_ramp", "kl_anneal  all"])
def test_known_names_separated_by_spaces_suggest_the_list_with_commas(given):
    words = given.replace(";", " ").split()
    with pytest.raises(ConfigError) as error:
        resolve_enabled([given], available_plugins())
    assert f"unknown plugin {given!r}; plugin names are separated by commas: did you mean {','.join(words)!r}?" in str(
        error.value
    )


def test_a_misspelt_name_with_a_space_keeps_the_closest_name_hint(tmp_path):
    result = CliRunner().invoke(
        app, ["train", str(tmp_path), "--plugins", "kl_anneal ts_rmp", "--out", str(tmp_path / "run")]
    )
    assert result.exit_code == 2
    assert "unknown plugin 'kl_anneal ts_rmp'; did you mean 'kl_anneal'?" in result.stderr
