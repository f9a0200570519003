"""`mvae ablate --plugins kl_anel` was refused as "configuration 'all': plugins.enabled: unknown plugin 'kl_anel'",
naming a config field the user never wrote; the option is named now, with the same did-you-mean (from the CLI
review)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

import mvae_core
from mvae_core.cli import app
from mvae_core.errors import OptionError


def test_the_option_is_named_with_the_closest_plugin(tmp_path):
    result = CliRunner().invoke(app, ["ablate", "--plugins", "kl_anneal,ts_rmap", "--out", str(tmp_path / "a")])
    assert result.exit_code == 2
    assert " ".join(result.stderr.split()).startswith(
        "error: --plugins names an unknown plugin 'ts_rmap'; did you mean 'ts_ramp'? Available: "
    )
    assert not (tmp_path / "a").exists()
    with pytest.raises(OptionError, match=r"^plugins names an unknown plugin 'ts_rmap'; did you mean 'ts_ramp'\?"):
        mvae_core.ablate(plugins=["kl_anneal", "ts_rmap"], out=tmp_path / "b")
