"""``/mvae/set`` (OSC) while a page's ``/api/generate`` makes another loop current: the set read the current request,
let go of the lock while it checked the value, and then wrote its change over the older request, so the page's new
point was lost and MIDI out went on playing the old one with the new knob."""

from __future__ import annotations

import threading

from mvae_core.serve.engine import Engine


def test_a_set_does_not_overwrite_a_loop_made_current_while_it_checks_its_value(tiny_run, monkeypatch):
    engine = Engine(tiny_run)
    page = engine.request({"z": [0.5] * engine.latent_dim})
    request = engine.request
    racing: list[threading.Thread] = []

    def request_while_the_page_asks(fields, base=None):
        if not racing:  # the set's check: the page's request arrives now
            racing.append(threading.Thread(target=engine.loop, args=(page,)))
            racing[0].start()
            racing[0].join(timeout=1.0)  # finishes at once unless the set holds the lock
        return request(fields, base)

    monkeypatch.setattr(engine, "request", request_while_the_page_asks)
    engine.set("density", 2.0)
    racing[0].join()
    assert engine.current.z == page.z  # the page's point stays current (the set came first), not the one before it
