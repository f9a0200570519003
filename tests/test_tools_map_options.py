"""``mvae map`` asks the model about its decoding options first, as ``generate`` and ``interpolate`` do: a model that
refuses ``--poly`` in ``check_options`` alone (docs/models.md lets it) had ``mvae map RUN --poly`` draw a map of
notes it never meant to write, where ``generate`` exits 2 naming the option."""

from __future__ import annotations

from typer.testing import CliRunner

import mvae_core
from mvae_core.cli import app
from mvae_core.decode_options import DecodeOptions
from mvae_core.errors import OptionError
from mvae_core.models import ModelInfo, available_models
from mvae_core.models.seed import SeedModel
from tests.training import TINY


class _OneNoteAtATime(SeedModel):
    def check_options(self, options: DecodeOptions) -> None:
        if options.poly:
            raise OptionError("poly", "this model writes one note per step")


def test_map_refuses_what_the_model_refuses(monkeypatch, synth_dir, tmp_path):
    registry = {**available_models(), "mono": ModelInfo("mono", "package mvae-mono", "0.1", lambda: _OneNoteAtATime)}
    monkeypatch.setattr("mvae_core.models.available_models", lambda: registry)
    run = tmp_path / "run"
    mvae_core.train([synth_dir], run, overrides=[*TINY, 'model.name="mono"'], plugins=[], epochs=1, progress=False)
    refused = CliRunner().invoke(app, ["map", str(run), "--out", str(tmp_path / "m.png"), "--poly"])
    assert refused.exit_code == 2, refused.output
    assert "--poly" in refused.stderr and "one note per step" in refused.stderr
    assert not (tmp_path / "m.png").exists()
    drawn = CliRunner().invoke(app, ["map", str(run), "--out", str(tmp_path / "m.png"), "--grid", "2"])
    assert drawn.exit_code == 0, drawn.output
