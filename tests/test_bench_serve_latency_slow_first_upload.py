"""``bench/serve_latency.py --uploads DIR`` opened its kept-alive connection, then waited for the guest's first upload
(which starts the server's upload worker: over 5 s on a loaded 2-core machine) before timing on it; the server had
closed the idle connection by then (uvicorn's keep-alive timeout), and the first request on it ended the bench with
``BrokenPipeError``. The connection is now opened once the first upload is answered."""

from __future__ import annotations

import inspect
import json
import sys
import time

import uvicorn

from tests.bench import BENCH, load_bench

KEEP_ALIVE_SECONDS = inspect.signature(uvicorn.Config).parameters["timeout_keep_alive"].default  # mvae serve keeps it


def test_a_first_upload_slower_than_the_keep_alive_timeout_is_timed_beside(tiny_run, synth_dir, monkeypatch, capsys):
    bench = load_bench("serve_latency.py")

    class SlowFirstUpload(bench.Guest):
        def run(self) -> None:
            time.sleep(KEEP_ALIVE_SECONDS + 1)  # the first upload, as slow as the worker's start on a busy machine
            super().run()

    monkeypatch.setattr(bench, "Guest", SlowFirstUpload)
    args = ["--run", str(tiny_run), "--calls", "5", "--warmup", "1", "--uploads", str(synth_dir)]
    monkeypatch.setattr(sys, "argv", [str(BENCH / "serve_latency.py"), *args])
    bench.main()
    record = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert set(record["rows"]) == {"HTTP keep-alive", "HTTP new connection", "OSC (UDP)"}
    assert record["uploads"]["taken"] >= 1 and record["model"] == "melody_rnn"
