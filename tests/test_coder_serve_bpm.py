"""`mvae serve` answers `bpm` (a DAW's name of the tempo, and the ONNX hosts' until 2026-12-07) with the name it takes,
`tempo`, over OSC and HTTP alike: a coder used to another program's name sends `bpm` first.
Before, the refusal listed the parameters without saying which one was meant (no spelling rule finds 'tempo')."""

from __future__ import annotations

import pytest
from pythonosc.osc_message import OscMessage

from mvae_core.serve.engine import Engine, RequestError
from mvae_core.serve.osc import OscAnswers, message


@pytest.fixture(scope="module")
def engine(tiny_run) -> Engine:
    return Engine(tiny_run)


def test_an_http_request_with_bpm_is_told_tempo(engine):
    with pytest.raises(RequestError, match=r"^unknown parameter 'bpm'; did you mean 'tempo'\? \(parameters: "):
        engine.request({"z": [0.5, -1.0], "bpm": 90})


@pytest.mark.parametrize(
    ("address", "args", "name"), [("/mvae/set", ("bpm", 90.0), "bpm"), ("/mvae/set/BPM", (90.0,), "BPM")]
)
def test_an_osc_set_of_bpm_is_told_tempo(engine, address, args, name):
    (reply,) = OscAnswers(engine).answer(message(address, *args))
    answer = OscMessage(reply)
    assert answer.address == "/mvae/error"
    assert answer.params[0].startswith(f"{address}: unknown parameter {name!r}; did you mean 'tempo'? (parameters: ")
