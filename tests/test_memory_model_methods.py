"""The machine running out of memory as a command runs a trained model (``mvae generate``, ``evaluate``, ``export``;
the model's own methods, under :func:`~mvae_core.models.contract.model_code`, or mvae's around them) ends the
command in one line, exit 1, saying what ran out and what to do, not as a bug: it ended with a raw ``MemoryError``
traceback (``generate``, ``evaluate``), or as ``model 'melody_rnn' (built-in): onnx_graph raised MemoryError``, exit
2, the model's bug (``export``). A request to ``mvae serve`` that runs out is answered with a 503 saying so (an OSC
message with its ``/mvae/error``), and the server serves the next; MIDI out plays silence until a loop can be made
(the error of a model's code that ran out was no MvaeError: it would have ended MIDI out's thread)."""

from __future__ import annotations

import httpx
import pytest
import torch
from pythonosc.osc_message import OscMessage
from typer.testing import CliRunner

from mvae_core.cli import app
from mvae_core.models.melody_rnn import MelodyRNN
from mvae_core.out_of_memory import RanOutIn, ran_out_line
from mvae_core.serve.engine import Engine
from mvae_core.serve.midi_out import NextLoop
from mvae_core.serve.osc import OscAnswers, message
from mvae_core.serve.server import LiveServer


def out_of_memory(*args: object, **kwargs: object) -> None:
    raise MemoryError


def out_of_gpu_memory(*args: object, **kwargs: object) -> None:
    raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 8.00 GiB. GPU 0 has a total capacity of 79 GiB")


@pytest.mark.parametrize(
    ("method", "command", "said"),
    [
        ("decode_notes", ["generate", "RUN", "--random", "2", "--out", "OUT"], "MemoryError"),
        ("predict_cells", ["evaluate", "RUN", "DATA"], "MemoryError"),
        ("onnx_graph", ["export", "RUN", "--onnx", "OUT/decoder.onnx"], "MemoryError in onnx_graph of model "
         "'melody_rnn' (built-in)"),
    ],
)  # fmt: skip
def test_a_command_whose_model_runs_out_of_memory_ends_in_one_line(
    method, command, said, monkeypatch, tiny_run, synth_dir, tmp_path
):
    monkeypatch.setattr(MelodyRNN, method, out_of_memory)
    places = {"RUN": str(tiny_run), "DATA": str(synth_dir), "OUT": str(tmp_path)}
    result = CliRunner().invoke(app, [places.get(word, word).replace("OUT/", f"{tmp_path}/") for word in command])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert " ".join(result.stderr.split()).startswith(  # then what asks the command for less, where it says so
        f"error: ran out of memory ({said}); free memory (another program may hold it), then run it again"
    )
    assert result.stderr.count("error: ") == 1 and "Traceback" not in result.output


def test_the_line_names_what_asks_for_less_where_the_command_says():
    try:
        raise RanOutIn("in decode_notes of model 'x' (package p)") from MemoryError()
    except RanOutIn as exc:
        assert ran_out_line(exc, less="fewer points (--random N)") == (
            "ran out of memory (MemoryError in decode_notes of model 'x' (package p)); free memory (another program "
            "may hold it), then run it again, or ask for less at once: fewer points (--random N)"
        )
    assert ran_out_line(RuntimeError("a bug")) is None


def test_a_command_whose_gpu_runs_out_says_gpu_memory(monkeypatch, tiny_run, tmp_path):
    monkeypatch.setattr(MelodyRNN, "decode_notes", out_of_gpu_memory)
    result = CliRunner().invoke(app, ["generate", str(tiny_run), "--random", "2", "--out", str(tmp_path)])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert " ".join(result.stderr.split()).startswith(
        "error: ran out of GPU memory (CUDA out of memory. Tried to allocate 8.00 GiB); free GPU memory (another "
        "process may hold it), then run it again"
    )


def test_a_bug_of_the_model_is_still_its_traceback_or_its_error(monkeypatch, tiny_run, tmp_path):
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(MelodyRNN, "decode_notes", broken)
    result = CliRunner().invoke(app, ["generate", str(tiny_run), "--random", "2", "--out", str(tmp_path)])
    assert isinstance(result.exception, RuntimeError) and str(result.exception) == "a bug"


def test_a_request_that_runs_out_of_memory_is_answered_and_the_server_serves_on(tiny_run, monkeypatch):
    with LiveServer(tiny_run, port=0) as live, httpx.Client(base_url=live.url, timeout=30) as http:
        real = live.engine.player.notes
        monkeypatch.setattr(live.engine.player, "notes", out_of_memory)
        answer = http.post("/api/generate", json={"z": [0, 0]})
        assert answer.status_code == 503
        assert answer.json()["error"] == (
            "ran out of memory (MemoryError in player().notes of model 'melody_rnn' (built-in)); free memory "
            "(another program may hold it), then ask again"
        )
        monkeypatch.setattr(live.engine.player, "notes", real)
        assert http.post("/api/generate", json={"z": [0, 0]}).status_code == 200


def test_an_osc_message_that_runs_out_of_memory_is_answered_with_the_memory_error(tiny_run, monkeypatch, caplog):
    engine = Engine(tiny_run)
    monkeypatch.setattr(engine.player, "notes", out_of_memory)
    point = [0.0] * engine.latent_dim
    (answer,) = OscAnswers(engine).answer(message("/mvae/generate", *point))
    said = OscMessage(answer)
    assert said.address == "/mvae/error" and said.params == [
        "/mvae/generate: ran out of memory (MemoryError in player().notes of model 'melody_rnn' (built-in)); free "
        "memory (another program may hold it), then ask again"
    ]
    assert "Traceback" not in caplog.text  # the machine's failure, not a bug to report


def test_midi_out_plays_silence_while_memory_runs_out_and_goes_on(tiny_run, monkeypatch, caplog):
    engine = Engine(tiny_run)
    engine.set("z", [0.5, -1.0])
    real = engine.player.notes
    monkeypatch.setattr(engine.player, "notes", out_of_memory)
    next_loop = NextLoop(engine)
    assert next_loop(engine.current).notes == [] and next_loop(engine.current).notes == []
    assert caplog.text.count("MIDI out plays silence until the next loop can be made: ran out of memory") == 1
    monkeypatch.setattr(engine.player, "notes", real)
    assert next_loop(engine.current).notes
