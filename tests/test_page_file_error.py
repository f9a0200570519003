"""A MIDI file dropped on the page of ``mvae serve`` that gives no loop (a take cut short, a waltz, a drum groove):
the reason was only in the one-line status bar, cut off with an ellipsis, so for a file cut short a musician read
"no notes: no note-on in its 1 track(s), only meta events …" and never the cut that explains it. The whole reason
now also shows, wrapped, where the file's loops would be, and the loops of a file opened before leave the pad."""

from __future__ import annotations

from pathlib import Path

from mvae_core.serve.server import LiveServer
from tests.conftest import needs_browser
from tests.synth import SynthNote, write_midi
from tests.test_browser import _wait, drop_file


@needs_browser
def test_a_dropped_file_without_loops_shows_its_whole_reason_and_clears_the_last_files_loops(
    shared_browser, tiny_run, synth_dir, tmp_path
):
    browser = shared_browser
    whole = write_midi(tmp_path / "take.mid", [SynthNote(60, 0, 240), SynthNote(62, 240, 480)]).read_bytes()
    cut = whole[: whole.rindex(b"MTrk") + 10]  # cut short in the melody track's first event
    solo = sorted(Path(synth_dir).glob("*.mid"))[0].read_bytes()
    with LiveServer(tiny_run, port=0) as server:
        browser.get(server.url)
        _wait(browser, "return window.mvae && window.mvae.ready === true")
        drop_file(browser, solo, "solo.mid")
        _wait(browser, "return document.querySelectorAll('#file-loops .chip').length > 0")
        _wait(browser, "return window.mvae.fileLabels.length > 0")
        drop_file(browser, cut, "take_cut.mid")
        _wait(browser, "return document.querySelector('#file-loops .file-error') !== null")
        shown = browser.execute_script(
            """const box = document.querySelector('#file-loops .file-error');
            return {text: box.textContent, clipped: box.scrollWidth > box.clientWidth, height: box.offsetHeight,
                    lines: Math.round(box.offsetHeight / parseFloat(getComputedStyle(box).lineHeight))};"""
        )
        assert shown["text"].startswith("⚠ take_cut.mid: no loop to encode (no notes: ")
        assert shown["text"].endswith(
            "the last track is cut short (2 bytes of it are there); read the events before the cut)"
        )
        assert not shown["clipped"] and shown["lines"] > 1  # wrapped, all of it on the page
        assert browser.execute_script("return document.querySelectorAll('#file-loops .chip').length") == 0
        _wait(browser, "return window.mvae.fileLabels.length", equals=0)  # solo.mid's markers left the pad
