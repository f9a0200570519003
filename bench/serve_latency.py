"""Latency of ``mvae serve``: one request → its notes, from a real client over loopback.

Starts ``mvae serve RUN --port 0 --osc-port 0`` as a separate process (so the client and the server do not share an
interpreter), then times, each ``--calls`` times at new random latent points in [-2, 2]² after ``--warmup`` untimed
calls:

* **HTTP keep-alive** — ``POST /api/generate`` on one kept-alive connection (what the page's ``fetch`` does);
* **HTTP new connection** — the same with a new TCP connection per request (a script calling ``curl``).

The client is the standard library's ``http.client``, which sends a small request in one packet as browsers and curl
do; httpx, for one, adds 2–3 ms of its own per request on this machine, which would be timed as the server's.
* **OSC** — ``/mvae/generate x y seed`` over UDP, until the ``/mvae/notes`` answer arrives.

With ``--uploads FOLDER``, a second client posts the folder's MIDI files to ``/api/encode``, one after another in a
loop, while the rows are timed: a guest uploading beside the performer (``--no-upload`` serves with that option, whose
refusals the guest then gets). ``--interval MS`` paces the requests as a performer's patch does (20: one request every
20 ms or so) instead of back to back, which on a 2-core machine times the CPU the client and the guest leave. Prints p50/p95/p99/max in milliseconds per row against the targets (p50 < 5 ms, p99 <
20 ms), then one JSON line.

    .venv/bin/python bench/serve_latency.py [--run runs/demo] [--calls 1000] [--warmup 100] [--interval MS]
        [--uploads DIR [--no-upload]]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import IO

import numpy as np
from pythonosc.osc_message import OscMessage

from mvae_core.serve.osc import message

TARGET_P50_MS = 5.0
TARGET_P99_MS = 20.0
JSON_HEADERS = {"Content-Type": "application/json"}


def start_server(run: Path, log: IO[str], options: list[str]) -> tuple[subprocess.Popen[str], str, tuple[str, int]]:
    """``mvae serve`` on free ports with ``options``, its stderr to ``log``; returns the process, the page URL and the
    OSC address."""
    command = [sys.executable, "-m", "mvae_core.cli", "serve", str(run), "--port", "0", "--osc-port", "0", *options]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=log, text=True, env=env)
    url, osc = None, None
    while url is None or osc is None:
        line = process.stdout.readline()
        if not line:
            code = process.wait()
            log.seek(0)
            raise SystemExit(f"{log.read()}mvae serve {run} exited with {code} before listening")
        if "page and API:" in line:
            url = line.split("page and API:")[1].strip()
        if "OSC: udp" in line:
            host, port = line.split("OSC: udp")[1].split()[0].rsplit(":", 1)
            osc = (host, int(port))
    return process, url, osc


class Guest(threading.Thread):
    """A client posting ``files`` to ``url``'s ``/api/encode``, one after another in a loop, until :meth:`stop`;
    ``answered`` counts the uploads the server took (200) and ``refused`` those it did not; ``first`` is set once the
    first has been answered (the first starts the server's process that reads uploads: untimed)."""

    def __init__(self, url: str, files: list[Path]) -> None:
        super().__init__(name="guest-uploads", daemon=True)
        self.url, self.contents = f"{url}api/encode", [f.read_bytes() for f in files]
        self.answered = self.refused = 0
        self.first = threading.Event()
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.is_set():
            for content in self.contents:
                if self._done.is_set():
                    return
                try:
                    urllib.request.urlopen(urllib.request.Request(self.url, data=content), timeout=60).read()
                    self.answered += 1
                except urllib.error.HTTPError:
                    self.refused += 1
                self.first.set()

    def stop(self) -> None:
        self._done.set()
        self.join(timeout=60)


def percentiles(
    call: Callable[[list[float]], int], points: np.ndarray, warmup: int, interval: float = 0.0
) -> dict[str, float]:
    """p50/p95/p99/max wall-clock milliseconds of ``call(point)`` over ``points``, after ``warmup`` calls, each timed
    call ``interval`` seconds after the answer before it; also the mean number of notes answered."""
    for point in points[:warmup]:
        call(point.tolist())
    times, notes = [], []
    for point in points[warmup:]:
        start = time.perf_counter()
        notes.append(call(point.tolist()))
        times.append((time.perf_counter() - start) * 1e3)
        time.sleep(interval)
    cut = statistics.quantiles(times, n=100, method="inclusive")
    return {
        "p50_ms": round(statistics.median(times), 3),
        "p95_ms": round(cut[94], 3),
        "p99_ms": round(cut[98], 3),
        "max_ms": round(max(times), 3),
        "notes": round(statistics.mean(notes), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run", type=Path, default=Path("runs/demo"), help="A trained run (default: make demo's).")
    parser.add_argument("--calls", type=int, default=1000, help="timed requests per row, >= 2 (default 1000)")
    parser.add_argument("--warmup", type=int, default=100, help="untimed requests first, >= 0 (default 100)")
    parser.add_argument(
        "--interval", type=float, default=0.0, help="ms between a request's answer and the next (default 0)"
    )
    parser.add_argument("--uploads", type=Path, help="time the rows while a client uploads this folder's MIDI files")
    parser.add_argument("--no-upload", action="store_true", help="serve with --no-upload (compare with --uploads)")
    args = parser.parse_args()
    if args.interval < 0:
        parser.error(f"--interval {args.interval:g}: give a pause of 0 ms or more")
    if args.calls < 2 or args.warmup < 0:
        parser.error(f"--calls {args.calls} --warmup {args.warmup}: the percentiles need --calls >= 2, --warmup >= 0")
    if not (args.run / "model.safetensors").is_file():
        parser.error(f"{args.run}: no trained run there; run `make demo` first or pass --run RUN")
    uploads = sorted(args.uploads.glob("*.mid")) if args.uploads else []
    if args.uploads and not uploads:
        parser.error(f"--uploads {args.uploads}: no .mid file in that folder")

    with tempfile.TemporaryFile(mode="w+") as log:  # the server's own lines ("stopped: …") stay out of the results
        process, url, osc_address = start_server(args.run, log, ["--no-upload"] if args.no_upload else [])
        guest = Guest(url, uploads) if uploads else None
        rng = np.random.default_rng(0)
        points = rng.uniform(-2, 2, size=(args.warmup + args.calls, 2)).round(3)
        try:
            host, port = url.split("//")[1].strip("/").rsplit(":", 1)

            def ask(connection: http.client.HTTPConnection, z: list[float]) -> int:
                connection.request("POST", "/api/generate", json.dumps({"z": z, "seed": 1}), JSON_HEADERS)
                return len(json.loads(connection.getresponse().read())["notes"])

            def keep_alive(z: list[float]) -> int:
                return ask(kept, z)

            def new_connection(z: list[float]) -> int:
                connection = http.client.HTTPConnection(host, int(port), timeout=30)
                try:
                    return ask(connection, z)
                finally:
                    connection.close()

            udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            udp.bind(("127.0.0.1", 0))
            udp.settimeout(10)

            def osc(z: list[float]) -> int:
                udp.sendto(message("/mvae/generate", *z, 1), osc_address)
                return len(OscMessage(udp.recvfrom(65536)[0]).params) // 4

            if guest is not None:
                guest.start()
                guest.first.wait(timeout=120)
            # opened once the first upload is answered: the server closes a kept-alive connection idle for 5 s, and
            # the first upload (which starts the server's upload worker) takes longer than that on a loaded machine
            kept = http.client.HTTPConnection(host, int(port), timeout=30)
            kept.request("GET", "/api/info")
            model = json.loads(kept.getresponse().read())["model"]
            rows = {
                "HTTP keep-alive": percentiles(keep_alive, points, args.warmup, args.interval / 1e3),
                "HTTP new connection": percentiles(new_connection, points, args.warmup, args.interval / 1e3),
                "OSC (UDP)": percentiles(osc, points, args.warmup, args.interval / 1e3),
            }
            if guest is not None:
                guest.stop()
            udp.close()
            kept.close()
        finally:
            process.send_signal(signal.SIGINT)
            if process.wait(timeout=30) != 128 + signal.SIGINT:  # it failed: what it said is part of the result
                log.seek(0)
                print(log.read(), file=sys.stderr, end="")

    paced = f", {args.interval:g} ms apart" if args.interval else ""
    print(f"mvae serve {args.run} ({model}); {args.calls} requests per row{paced} after {args.warmup} warm-up")
    if guest is not None:
        said = f"{guest.answered} taken, {guest.refused} refused" + (" (--no-upload)" if args.no_upload else "")
        print(f"beside a client uploading {len(uploads)} files of {args.uploads} in a loop: {said}")
    print(f"{'request':22} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8} {'notes':>6}")
    for name, row in rows.items():
        print(
            f"{name:22} {row['p50_ms']:8.2f} {row['p95_ms']:8.2f} {row['p99_ms']:8.2f} {row['max_ms']:8.2f}"
            f" {row['notes']:6.1f}"
        )
    met = all(r["p50_ms"] < TARGET_P50_MS and r["p99_ms"] < TARGET_P99_MS for r in rows.values())
    print(
        f"target p50 < {TARGET_P50_MS:g} ms and p99 < {TARGET_P99_MS:g} ms on every row: {'met' if met else 'MISSED'}"
    )
    record = {
        "bench": "serve_latency",
        "run": str(args.run),
        "model": model,
        "calls": args.calls,
        "interval_ms": args.interval,
        "uploads": None if guest is None else {"taken": guest.answered, "refused": guest.refused},
        "no_upload": args.no_upload,
        "rows": rows,
        "target_met": met,
        "machine": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(),
        "load_average": [round(v, 2) for v in os.getloadavg()],
    }
    print(json.dumps(record))


if __name__ == "__main__":
    main()
