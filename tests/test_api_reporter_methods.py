"""python_api.md names every method a reporter of one's own needs (it named only ``training`` and the optional
``parsing``, so a notebook reporter written from the page ended in an AttributeError on ``note``), and a reporter
with just those methods gets what the page says: the data, the notes, the plugins' last messages, the records."""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

import mvae_core
from mvae_core import hookimpl
from mvae_core.session import Reporter
from tests.training import TINY

PAGE = Path(__file__).resolve().parents[1] / "docs" / "python_api.md"


def documented_methods() -> set[str]:
    """The methods the ``progress`` bullet of python_api.md's walk-through gives a reporter (``name(…)`` in
    backticks)."""
    text = PAGE.read_text(encoding="utf-8")
    bullet = text.split("`progress=False` prints nothing", 1)[1].split("\n- ", 1)[0]
    return set(re.findall(r"`(\w+)\(", bullet))


def test_the_page_names_every_method_of_the_reporter_protocol():
    required = {name for name in vars(Reporter) if not name.startswith("_")}
    assert required <= documented_methods(), f"python_api.md does not name {sorted(required - documented_methods())}"


class Farewell:
    @hookimpl
    def mvae_train_end(self, trainer):
        trainer.emit("bye", level="info")


def test_a_reporter_with_the_documented_methods_gets_data_notes_events_and_records(synth_dir, tmp_path):
    seen: dict[str, list] = {"data": [], "note": [], "event": [], "record": []}

    class Notebook:
        def data(self, table, report, cfg, title):
            seen["data"].append(title)

        def note(self, message, level="info"):
            seen["note"].append((level, message))

        def event(self, event):
            seen["event"].append(event)

        @contextlib.contextmanager
        def training(self, epochs, first_epoch):
            yield seen["record"].append

    assert {"data", "note", "event", "training"} <= documented_methods()
    mvae_core.train([synth_dir], tmp_path / "run", overrides=TINY, epochs=1, plugins=[Farewell()], progress=Notebook())
    assert seen["data"] and seen["data"][0].startswith("data: ")
    assert any(message.startswith("done after 1 epoch") for _, message in seen["note"])
    assert seen["event"] == [{"source": "farewell", "level": "info", "message": "bye"}]
    assert [record["epoch"] for record in seen["record"]] == [0]
