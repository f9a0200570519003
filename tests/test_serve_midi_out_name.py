"""`mvae serve --midi-out NAME`: a name that is empty (a shell variable left unset) is refused; before, the server
started without MIDI out and said nothing, so a performer's DAW waited for a port that never appeared."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from mvae_core.cli import app
from mvae_core.serve.server import LiveServer, ServeError

MESSAGE = "--midi-out is empty; give the name the port gets in your DAW, e.g. --midi-out mvae"


@pytest.mark.parametrize("name", ["", "  "])
def test_an_empty_midi_out_name_is_refused(tiny_run, name):
    with pytest.raises(ServeError, match=f"^{MESSAGE}$"):
        LiveServer(tiny_run, port=0, midi_out=name)


def test_mvae_serve_with_an_empty_midi_out_exits_2_before_serving(tiny_run, monkeypatch):
    def serve_forever(self):
        pytest.fail("served without the MIDI out that was asked for")

    monkeypatch.setattr(LiveServer, "serve_forever", serve_forever)
    result = CliRunner().invoke(app, ["serve", str(tiny_run), "--port", "0", "--midi-out", ""])
    assert result.exit_code == 2, result.output
    assert f"error: {MESSAGE}" in result.stderr
    assert "serving" not in result.stdout
