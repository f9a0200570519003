"""``/mvae/get``: a patch asks what plays (the current loop's notes, the point, the seed and the knobs) without
changing it; the answers are ``/mvae/value <name> <value>`` and, for the notes, ``/mvae/notes`` as generate's."""

from __future__ import annotations

import pytest
from pythonosc.osc_message import OscMessage

from mvae_core.serve.engine import FIELDS, Engine
from mvae_core.serve.osc import ANSWERS_ONLY, OscAnswers, message


@pytest.fixture(scope="module")
def answers(tiny_run) -> OscAnswers:
    return OscAnswers(Engine(tiny_run))


def _ask(answers: OscAnswers, address: str, *args) -> list[tuple[str, list]]:
    return [(reply.address, reply.params) for reply in map(OscMessage, answers.answer(message(address, *args)))]


def test_get_answers_each_value_as_set_left_it(answers):
    """Old code: 'unknown address /mvae/get'; a patch had no way to read the knobs another client set."""
    _ask(answers, "/mvae/set", "z", 0.5, -1.0)
    _ask(answers, "/mvae/set", "seed", 7)
    _ask(answers, "/mvae/set/density", 2.5)
    assert _ask(answers, "/mvae/get", "density") == [("/mvae/value", ["density", 2.5])]
    assert _ask(answers, "/mvae/get/seed") == [("/mvae/value", ["seed", 7])]
    assert _ask(answers, "/mvae/get", "z") == [("/mvae/value", ["z", 0.5, -1.0])]
    every = _ask(answers, "/mvae/get")
    assert [params[0] for _, params in every] == list(FIELDS)
    tempo = answers.engine.current.tempo
    assert ("/mvae/value", ["tempo", pytest.approx(tempo)]) in every
    assert answers.engine.current.z == (0.5, -1.0)  # asking changed nothing


def test_get_notes_is_the_current_loop_as_generate_answers_it(answers):
    generated = _ask(answers, "/mvae/generate", -0.5, 0.25, 3)
    _ask(answers, "/mvae/set", "temperature", 1.5)  # the next notes are those of the knobs now
    current = _ask(answers, "/mvae/get", "notes")
    assert generated[0][0] == current[0][0] == "/mvae/notes"
    assert current == _ask(answers, "/mvae/generate", -0.5, 0.25, 3)
    assert _ask(answers, "/mvae/get/notes") == current


def test_a_wrong_get_is_refused_naming_the_names(answers):
    ((address, (said,)),) = _ask(answers, "/mvae/get", "densty")
    assert address == "/mvae/error"
    assert said.startswith("/mvae/get: unknown name 'densty'; did you mean 'density'? (names: z, seed, ")
    assert said.endswith(", notes)")
    ((_, (said,)),) = _ask(answers, "/mvae/get", "density", 1.0)
    assert said.startswith("/mvae/get: expected one name or none, e.g. /mvae/get density")
    ((_, (said,)),) = _ask(answers, "/mvae/get/density", 1.0)
    assert said == "/mvae/get/density: takes no arguments, got 1; send /mvae/get/density"
    ((_, (said,)),) = _ask(answers, "/mvae/gte")
    assert "did you mean /mvae/get?" in said


def test_the_value_answer_is_never_answered(answers):
    """Two servers answering each other: a /mvae/value sent to a server is ignored, as /mvae/notes is."""
    assert "/mvae/value" in ANSWERS_ONLY
    assert answers.answer(message("/mvae/value", "density", 1.0)) == []


def test_the_get_example_of_live_md_runs_as_shown(tiny_run, capsys):
    """docs/live.md's /mvae/get example, after the example it continues (same socket), against a running server."""
    from mvae_core.serve.server import LiveServer
    from tests.test_docs import code_blocks, run_block

    (first,) = [b for b in code_blocks("live.md") if "/mvae/generate" in b]
    (second,) = [b for b in code_blocks("live.md") if '"/mvae/get"' in b]
    with LiveServer(tiny_run, port=0, osc_port=0) as server:
        namespace = {"__name__": "live_md"}
        for block in (first, second):
            run_block(block.replace('("127.0.0.1", 9000)', repr(server.osc_address)), "live.md", namespace)
    printed = capsys.readouterr().out.splitlines()
    got = printed[printed.index("['grid_offset', 1.5]", 1) :]
    assert got[1:3] == ["/mvae/value ['z', 0.5, -1.0]", "/mvae/value ['seed', 3]"]
    assert len(got) == 1 + len(FIELDS) + 1 and got[-1] == "True"
