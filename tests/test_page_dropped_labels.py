"""The labels of a dropped file's loops on the pad stay readable when its loops lie beyond the pad close together."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import needs_browser
from tests.test_browser import _wait, answer_encode_with, drop_file

pytestmark = needs_browser
# a file whose loops 1..5 encode beyond the pad's right edge 0.1 apart (7 px on the page), as a real solo's did, and
# loop 6 beyond it on its own
LOOPS = [
    {"loop": 0, "notes": 9, "z": [0.5, 0.5]},
    *({"loop": k, "notes": 9, "z": [6.0, round(0.1 * k, 1)]} for k in range(1, 6)),
    {"loop": 6, "notes": 9, "z": [6.0, -2.0]},
]


def _meet(a: dict, b: dict) -> bool:
    return a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"] and b["top"] < a["bottom"]


def test_loops_beyond_the_pad_keep_their_long_labels_only_where_they_cover_no_other(
    shared_browser, page_server, synth_dir
):
    """Each loop beyond the pad was labelled '<n> · beyond the pad (x, y)', drawn over its neighbours' labels, so six
    of a solo's loops on the right edge were a smear of yellow text. Now a long label is drawn only where it covers
    no other label; the others keep their number."""
    driver = shared_browser
    driver.get(page_server.url)
    _wait(driver, "return window.mvae && window.mvae.ready === true")
    answer_encode_with(driver, LOOPS)
    drop_file(driver, sorted(Path(synth_dir).glob("*.mid"))[0].read_bytes(), "solo.mid")
    _wait(driver, "return (window.mvae.fileLabels || []).length", equals=len(LOOPS))
    labels = driver.execute_script("return window.mvae.fileLabels")
    assert sorted(label["text"].split(" ")[0] for label in labels) == [str(loop["loop"]) for loop in LOOPS]
    long = [label for label in labels if "beyond the pad" in label["text"]]
    assert [label["text"] for label in long] == ["6 · beyond the pad (6.0, -2.0)"]  # the crowded ones: numbers
    for label in long:
        assert not any(_meet(label, other) for other in labels if other is not label), label["text"]
