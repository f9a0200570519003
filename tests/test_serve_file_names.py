"""How the live server names files to a musician (helper-433 F6, F7).

The pad named training files by their base name only, so ``session1/take1.mid`` and ``session2/take1.mid`` were both
``take1.mid`` in its hover and screen-reader text: now each is the shortest trailing path no other file ends with.
An upload's name reached the server with every non-ASCII character replaced by ``_`` (the page) or read as latin-1
(the server), so an error about ``Mélodie été 1.mid`` named ``M_lodie _t_ 1.mid``, a file the musician does not have:
the page now sends it percent-encoded and the server decodes it."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import numpy as np
import pytest

from mvae_core.serve.engine import Engine
from mvae_core.serve.names import UPLOAD_DEFAULT, pad_names, upload_name
from mvae_core.serve.server import LiveServer
from tests.conftest import needs_browser
from tests.synth import random_melody, write_midi
from tests.training import TINY

MELODIE = "Mélodie été 1.mid"


def _native(path: str) -> str:
    return path.replace("/", os.sep)


def test_unique_base_names_stay_base_names():
    assert pad_names(["/data/a/solo.mid", "/data/b/riff.mid", "corpus:essen/altdeu10#12"]) == [
        "solo.mid",
        "riff.mid",
        "altdeu10#12",
    ]


def test_the_same_name_in_two_folders_gets_its_folder():
    sources = ["/data/session1/take1.mid", "/data/session2/take1.mid", "/data/session2/take2.mid"]
    assert pad_names(sources) == [_native("session1/take1.mid"), _native("session2/take1.mid"), "take2.mid"]


def test_equal_names_at_different_depths_go_back_as_far_as_each_needs():
    sources = ["/data/session1/take1.mid", "/data/gig/session1/take1.mid", "/data/session2/take1.mid"]
    assert pad_names(sources) == [
        _native("data/session1/take1.mid"),
        _native("gig/session1/take1.mid"),
        _native("session2/take1.mid"),
    ]


def test_a_name_that_is_the_end_of_another_is_told_apart():
    """``old_take1.mid`` ends with ``take1.mid`` as a string but not as a path; ``/b/take1.mid`` is every part but
    the first of ``/a/b/take1.mid``, so it needs its whole path."""
    assert pad_names(["/d/take1.mid", "/d/old_take1.mid"]) == ["take1.mid", "old_take1.mid"]
    assert pad_names(["/b/take1.mid", "/a/b/take1.mid"]) == ["/b/take1.mid", _native("a/b/take1.mid")]
    assert pad_names(["take1.mid", "x/take1.mid"]) == ["take1.mid", "x/take1.mid"]


def test_a_source_listed_twice_is_shown_as_given():
    assert pad_names(["/d/a.mid", "/d/a.mid", "/d/b.mid"]) == ["/d/a.mid", "/d/a.mid", "b.mid"]


def test_the_pad_of_a_run_trained_on_same_named_takes_tells_them_apart(tmp_path):
    import mvae_core

    data = tmp_path / "takes"
    rng = np.random.default_rng(0)
    for name in ["session1/take1.mid", "session2/take1.mid", "gig/session1/take1.mid", "old_take1.mid", "solo.mid"]:
        (data / name).parent.mkdir(parents=True, exist_ok=True)
        write_midi(data / name, random_melody(rng, 3))
    run = tmp_path / "run"
    mvae_core.train([data], run, overrides=TINY, epochs=1, progress=False)
    files = Engine(run).training_points()["files"]
    assert sorted(files) == sorted(
        [
            _native("takes/session1/take1.mid"),
            _native("session2/take1.mid"),
            _native("gig/session1/take1.mid"),
            "old_take1.mid",
            "solo.mid",
        ]
    )


@pytest.mark.parametrize(
    ("header", "name"),
    [
        (None, UPLOAD_DEFAULT),
        ("my_solo.mid", "my_solo.mid"),  # an older client's plain ASCII name
        ("100% take.mid", "100% take.mid"),  # a % that starts no escape is kept
        ("M%C3%A9lodie%20%C3%A9t%C3%A9%201.mid", MELODIE),  # the page's encodeURIComponent
        (MELODIE.encode().decode("latin-1"), MELODIE),  # raw UTF-8 bytes (curl -H), as the server reads them
        ("caf\xe9.mid", "café.mid"),  # raw latin-1 bytes
        ("..%2F..%2Fetc%2Fpasswd", "passwd"),  # only the last path part, decoded or not
        ("%E2%80%8Bx%0A.mid", "x.mid"),  # non-printable characters dropped
        ("%2F", UPLOAD_DEFAULT),
    ],
)
def test_an_upload_name_is_decoded(header, name):
    assert upload_name(header) == name


@pytest.mark.parametrize("header", ["caf%E9.mid", "mix%ab.mid", "50%FF.mid", "a%ffb%20c.mid"])
def test_an_upload_name_whose_escapes_are_not_utf8_is_kept_as_written(header):
    """Helper-444 finding 5: a plain-ASCII name with a ``%XX`` that is not UTF-8 was refused (400) with advice to send
    plain ASCII, which it was; the name is only echoed, so it is now kept as its sender wrote it."""
    assert upload_name(header) == header


def test_the_server_answers_and_refuses_with_the_real_name(tiny_run, synth_dir):
    solo = sorted(Path(synth_dir).glob("*.mid"))[0].read_bytes()
    encoded = {"X-Filename": "M%C3%A9lodie%20%C3%A9t%C3%A9%201.mid"}
    with LiveServer(tiny_run, port=0) as live, httpx.Client(base_url=live.url, timeout=30) as http:
        answer = http.post("/api/encode", content=solo, headers=encoded)
        assert answer.status_code == 200 and answer.json()["file"] == MELODIE
        empty = http.post("/api/encode", content=b"", headers=encoded)
        assert empty.status_code == 422
        assert empty.json()["error"] == f"{MELODIE}: the upload is empty; send the bytes of a .mid file"
        raw = http.post("/api/encode", content=solo, headers=[(b"X-Filename", MELODIE.encode())])
        assert raw.json()["file"] == MELODIE
        ascii_name = http.post("/api/encode", content=solo, headers={"X-Filename": "mix%ab.mid"})
        assert ascii_name.status_code == 200 and ascii_name.json()["file"] == "mix%ab.mid"


@needs_browser
def test_the_page_names_a_dropped_file_with_an_accented_name_as_the_musician_does(shared_browser, tiny_run, synth_dir):
    from tests.test_browser import _wait, drop_file

    browser = shared_browser
    solo = sorted(Path(synth_dir).glob("*.mid"))[0].read_bytes()
    with LiveServer(tiny_run, port=0) as server:
        browser.get(server.url)
        _wait(browser, "return window.mvae && window.mvae.ready === true")
        browser.execute_script(
            """window.echoed = [];
            const real = window.fetch;
            window.fetch = async (url, init) => {
              const answer = await real(url, init);
              if (String(url).endsWith('/api/encode')) window.echoed.push((await answer.clone().json()).file);
              return answer;
            };"""
        )
        drop_file(browser, solo, MELODIE)
        _wait(browser, "return window.echoed.length", equals=1)
        assert browser.execute_script("return window.echoed[0]") == MELODIE  # the server read the name sent
        drop_file(browser, b"not a MIDI file", MELODIE)
        _wait(browser, "return document.querySelector('#file-loops .file-error') !== null")
        shown = browser.execute_script("return document.querySelector('#file-loops .file-error').textContent")
        assert shown.startswith(f"⚠ {MELODIE}: "), shown
