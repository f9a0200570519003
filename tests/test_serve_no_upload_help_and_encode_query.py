"""Two texts of ``mvae serve`` that said what is no longer so. ``--help``'s ``--no-upload`` said a guest's upload is
parsed in the server's process, while uploads are read in a worker process (docs/live.md, docs/cli.md), so the help
and the docs disagreed about why a show turns uploads off. ``POST /api/encode?x=1`` was refused with "(the knobs go
in the JSON body)", though that route's body is the MIDI file's bytes and it has no knobs."""

from __future__ import annotations

import re

import httpx

from tests.test_cli_help import help_text


def _option_help(text: str, option: str) -> str:
    """``option``'s help in ``mvae serve --help``'s box, its wrapped lines joined, up to the next option."""
    lines = [line.strip(" │") for line in text.splitlines()]
    start = next(i for i, line in enumerate(lines) if line.startswith(option))
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("--")), len(lines))
    return re.sub(r"\s+", " ", " ".join(lines[start:end]))


def test_no_upload_help_says_uploads_are_read_in_a_worker_process():
    said = _option_help(help_text("serve"), "--no-upload")
    assert "uploads are read in a worker process" in said, said
    assert "server's process" not in said, said


def test_an_upload_with_a_query_parameter_is_told_what_its_body_is(page_server):
    answer = httpx.post(f"{page_server.url}api/encode?x=1", content=b"MThd", timeout=30)
    assert answer.status_code == 422
    assert answer.json()["error"] == (
        "unknown query parameter 'x'; /api/encode takes no query parameters (the body is the MIDI file's bytes, its "
        "name in the X-Filename header)"
    )
