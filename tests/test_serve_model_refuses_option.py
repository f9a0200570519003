"""A model's player that refuses a knob's value (``UnsupportedOption``, or ``OptionError``, as docs/models.md tells a
model's player to raise what its ``check_options`` refuses) is answered as a refused parameter: HTTP 422 with the
model's message and OSC ``/mvae/error`` with it, the server log without a traceback. Before, the documented refusal
was a 500 "internal error: UnsupportedOption: …" with a traceback in the log (and OSC's "internal error"), so a page
showed a crash and a host retrying on 5xx kept retrying."""

from __future__ import annotations

import httpx
import pytest
from pythonosc.osc_message import OscMessage

from mvae_core.errors import OptionError
from mvae_core.models.base import UnsupportedOption
from mvae_core.serve.engine import Engine
from mvae_core.serve.osc import OscAnswers, message
from mvae_core.serve.server import LiveServer

SAID = "lite: temperature above 1.5 is refused"
REFUSALS = {
    "unsupported": (UnsupportedOption(SAID), SAID),
    "option": (OptionError("temperature", "must be at most 1.5 for this model, got 2"),
               "temperature must be at most 1.5 for this model, got 2"),
}  # fmt: skip


def _refusing(engine: Engine, refusal: Exception):
    plays = engine.player.notes

    def notes(z, options=None, index=0):
        if options is not None and options.temperature > 1.5:  # its check_options, as the player calls it
            raise refusal
        return plays(z, options, index)

    return notes


@pytest.mark.parametrize("kind", sorted(REFUSALS))
def test_a_knob_the_model_refuses_is_a_422_with_its_message_and_no_traceback(tiny_run, monkeypatch, caplog, kind):
    refusal, said = REFUSALS[kind]
    with LiveServer(tiny_run, port=0) as live, httpx.Client(base_url=live.url) as http:
        monkeypatch.setattr(live.engine.player, "notes", _refusing(live.engine, refusal))
        answer = http.post("/api/generate", json={"z": [0.5, -1], "temperature": 2}, timeout=30)
        assert (answer.status_code, answer.json()) == (422, {"error": said})
        assert http.post("/api/generate", json={"z": [0.5, -1], "temperature": 1}, timeout=30).status_code == 200
    assert "Traceback" not in caplog.text and "internal error" not in caplog.text


@pytest.mark.parametrize("kind", sorted(REFUSALS))
def test_osc_answers_the_models_refusal_as_a_refused_value(tiny_run, monkeypatch, caplog, kind):
    refusal, said = REFUSALS[kind]
    answers = OscAnswers(Engine(tiny_run))
    monkeypatch.setattr(answers.engine.player, "notes", _refusing(answers.engine, refusal))
    (set_reply,) = answers.answer(message("/mvae/set/temperature", 2.0))
    assert OscMessage(set_reply).address == "/mvae/set"
    (reply,) = answers.answer(message("/mvae/generate", 0.5, -1.0))
    assert (OscMessage(reply).address, OscMessage(reply).params) == ("/mvae/error", [f"/mvae/generate: {said}"])
    assert "Traceback" not in caplog.text
