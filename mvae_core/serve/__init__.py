"""``mvae serve``: play a trained run live — a web page and JSON API, OSC for Max/Pd/TouchDesigner, MIDI out.

* :mod:`.knobs` — the live knobs' ranges (light: ``mvae serve --help`` states them);
* :mod:`.engine` — the one place requests become notes: checks every parameter, keeps the current loop (the state
  OSC and MIDI out play), encodes uploaded MIDI and the run's training loops;
* :mod:`.app` — the starlette app: the static page (``static/``) and the JSON API;
* :mod:`.osc` — the OSC server (python-osc), answering the sender;
* :mod:`.midi_out` — a virtual MIDI output that plays the current loop in time;
* :mod:`.midi_clock` — following a DAW's MIDI clock (``--midi-clock-in``): real-time messages in, note times out
  (pure, no thread or port);
* :mod:`.server` — starts them together in one process (what the ``serve`` command calls).

docs/live.md describes the API, the OSC messages and a Max patch.
"""
