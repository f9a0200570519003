"""The live knobs' ranges: what the page's sliders, the JSON API and OSC accept (:mod:`.engine` checks them), and
where the server listens by default.

A module without heavy imports, so that ``mvae serve --help`` can state the ranges and defaults without loading the
model code.
"""

from __future__ import annotations

# (lowest, highest) of each knob; narrower than generate's options on purpose: a knob has two ends
KNOBS: dict[str, tuple[float, float]] = {
    "density": (0.0, 3.0),
    "temperature": (0.0, 2.0),
    "timing_temperature": (0.0, 2.0),
    "grid_offset": (0.0, 2.0),
    "tempo": (20.0, 300.0),
}

LOOPBACK = "127.0.0.1"
"""The address the server listens on by default (``mvae serve --host``): only this machine reaches it."""
DEFAULT_PORT = 8000
"""The HTTP port of the page and the API by default (``mvae serve --port``)."""
