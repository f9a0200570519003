"""``mvae serve RUN``: the web page, JSON API, OSC and MIDI out of :mod:`mvae_core.serve`, in one process.

Imported by the ``mvae`` command at start-up; the server's modules (starlette, uvicorn, torch) load when it runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from mvae_core.cli_output import err as stderr
from mvae_core.cli_output import errors_to_exit
from mvae_core.cli_output import out as stdout
from mvae_core.cli_paths import given_path
from mvae_core.instruments import PIANO
from mvae_core.serve.knobs import DEFAULT_PORT, KNOBS, LOOPBACK

if TYPE_CHECKING:
    from mvae_core.serve.engine import Engine

TEMPO_HELP = (
    f"Starting tempo in bpm, {KNOBS['tempo'][0]:g} to {KNOBS['tempo'][1]:g}: of the page's tempo knob, MIDI out and "
    "requests that give none (default: mvae generate's --tempo)."
)

PROGRAM_HELP = (
    "General MIDI instrument the page's MIDI and WAV files ask for: 1-128 or a name, e.g. 'tenor sax' (as mvae "
    "generate's --program; MIDI out sends no program change)."
)

MIDI_CHANNEL_HELP = (
    "The MIDI channel MIDI out plays on, 1-16 (as a DAW's track or a synth numbers them; default 1); only with "
    "--midi-out."
)

NO_UPLOAD_HELP = (
    "Refuse MIDI files (POST /api/encode: 403; the page hides 'Open MIDI…'): uploads are read in a worker process, "
    "which still takes a CPU core from OSC answers and MIDI out while it reads (docs/live.md)."
)

MIDI_CLOCK_HELP = (
    "Time MIDI out by the MIDI clock a DAW sends (start, stop, tempo, song position) instead of the tempo knob: "
    "the --midi-out name makes a virtual input of that name to send the clock to; another name picks an existing "
    "MIDI input."
)


def serve(
    run_dir: Annotated[Path, typer.Argument(parser=given_path, metavar="RUN", help="A trained run directory.")],
    host: Annotated[
        str, typer.Option(metavar="H", help="Address to listen on; only this machine by default.")
    ] = LOOPBACK,
    port: Annotated[
        int, typer.Option(metavar="N", help="HTTP port of the page and the API (0: any free port).")
    ] = DEFAULT_PORT,
    osc_port: Annotated[
        int | None, typer.Option(metavar="N", help="Also answer OSC on this UDP port (e.g. 9000).")
    ] = None,
    osc_reply_port: Annotated[
        int | None,
        typer.Option(metavar="N", help="Send OSC answers to this port of the sender (default: the port it sent from)."),
    ] = None,
    midi_out: Annotated[
        str | None,
        typer.Option(metavar="NAME", help="Also play the current loop on a virtual MIDI output of this name."),
    ] = None,
    midi_channel: Annotated[int | None, typer.Option(metavar="N", help=MIDI_CHANNEL_HELP)] = None,
    midi_clock_in: Annotated[str | None, typer.Option(metavar="PORT", help=MIDI_CLOCK_HELP)] = None,
    tempo: Annotated[float | None, typer.Option(metavar="BPM", help=TEMPO_HELP)] = None,
    program: Annotated[str, typer.Option(metavar="P", help=PROGRAM_HELP)] = str(PIANO),
    no_upload: Annotated[bool, typer.Option("--no-upload", help=NO_UPLOAD_HELP)] = False,
    allow_origin: Annotated[
        list[str] | None,
        typer.Option(
            metavar="ORIGIN",
            help="Let scripts of web pages from this origin call the API (CORS), e.g. http://localhost:5500 for a "
            "p5.js sketch; repeatable, * for any page.",
        ),
    ] = None,
) -> None:
    """Play a run live: an XY-pad page in the browser, a JSON API, OSC and MIDI out (docs/live.md)."""
    from mvae_core.serve.guard import is_local_name
    from mvae_core.serve.server import LiveServer
    from mvae_core.tools import require_extra

    with errors_to_exit():
        require_extra("serve", "starlette", "uvicorn", "pythonosc")
        server = LiveServer(
            run_dir,
            host=host,
            port=port,
            osc_port=osc_port,
            osc_reply_port=osc_reply_port,
            midi_out=midi_out,
            midi_clock_in=midi_clock_in,
            midi_channel=midi_channel,
            tempo=tempo,
            program=program,
            allow_origins=allow_origin or (),
            uploads=not no_upload,
        )
    if not is_local_name(host):  # warned once the address is known to work
        stderr.print(escape(f"warning: --host {host} exposes the server to other machines; it has no authentication"))
    engine = server.engine
    stdout.print(escape(f"serving {run_dir} ({engine.config.model.name}, latent_dim {engine.latent_dim})"))
    if line := model_line(engine):
        stdout.print(escape(line))
    stdout.print("  pad: the training loops are encoded in the background (GET /api/points)")
    stdout.print(escape(f"  page and API: {server.url}"))
    if server.other_devices:
        stdout.print(escape(f"  {server.other_devices}"))
    if no_upload:
        stdout.print("  MIDI files: refused (--no-upload)")
    if server.allow_origins:
        stdout.print(escape(f"  API open to the scripts of pages from: {', '.join(server.allow_origins)}"))
    if server.osc_address:
        answers = f"answers to port {osc_reply_port}" if osc_reply_port else "answers to the sender"
        osc_host, osc_port = server.osc_address
        osc_host = f"[{osc_host}]" if ":" in osc_host else osc_host  # an IPv6 address, as in a URL
        stdout.print(escape(f"  OSC: udp {osc_host}:{osc_port}  ({answers})"))
    if midi_out:
        stdout.print(escape(f"  MIDI out: virtual port {midi_out!r}, channel {server.midi_channel}"))
    if server.midi_clock_input:
        stdout.print(
            escape(f"  MIDI clock in: {server.midi_clock_input!r} (MIDI out waits for the DAW's Start, at its tempo)")
        )
    with errors_to_exit():
        server.serve_forever(ready=lambda: stdout.print("Ctrl-C stops."))


def model_line(engine: Engine) -> str | None:
    """The start-up line that says which model plays: the run's best epoch (a restart picks up a later one), or for a
    copy made by ``mvae bend`` the epoch it was bent from (its val_elbo is the unbent model's; a bent copy never
    trains, so no later epoch comes); None for a model file without an epoch."""
    from mvae_core.tools.bend import how_bent

    if not engine.best_epoch:
        return None
    epoch, val_elbo = engine.best_epoch
    if bend := how_bent(engine.run.model_metadata):
        return (
            f"  model: bent ({bend}) from epoch {epoch} of {engine.epochs_trained} trained, whose val_elbo was "
            f"{val_elbo:.3f} before the bend; a bent copy does not train further"
        )
    return (
        f"  model: the best epoch when the server started, {epoch} of {engine.epochs_trained} trained "
        f"(val_elbo {val_elbo:.3f}, lower is better); a restart picks up a later best"
    )
