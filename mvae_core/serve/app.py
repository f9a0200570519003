"""The web front end of ``mvae serve``: the static page and the JSON API (a starlette app over an :class:`Engine`).

=======================  ================================================================================
``GET /``                the page (``static/index.html``; ``/static/*`` its scripts and styles, no CDN)
``GET /api/info``        latent size, loop length, knob defaults and ranges, the training loops' points
                         (``points_ready`` false while they are still being encoded)
``GET /api/points``      the training loops' points: ``{"ready", "files", "points", "note"}``
``GET /api/midi_clock``  ``{"midi_clock": {"input", "state", "tempo"}}`` of ``--midi-clock-in`` (``null``
                         without it): what ``/api/info`` says of it, without the training points
``GET /api/current``     the current loop (the last request's, with OSC's ``/mvae/set`` changes): what MIDI out
                         plays, as ``/api/generate`` answers it; OSC's ``/mvae/get`` over HTTP
``POST /api/generate``   ``{"z": [x, y], "seed", "density", "temperature", "timing_temperature",
                         "grid_offset", "tempo"}`` → ``{"notes": [{"pitch", "start", "end", "velocity",
                         "step"}], "loop_seconds", ...}``, times in seconds from the loop start
``POST /api/encode``     the bytes of a MIDI file (its name in ``X-Filename``, percent-encoded UTF-8 or
                         ASCII) → ``{"file", "loops": [{"loop", "notes", "z", "bpm"}]}`` (``file``: that name,
                         decoded; ``bpm``: the loop's tempo in the file); a 403 with ``--no-upload`` (``/api/info``'s
                         ``uploads`` false)
``POST /api/midi``       the same body as generate → the loop as a ``.mid`` file
``POST /api/wav``        the same body as generate → the loop as a ``.wav`` file (``X-Renderer`` says which);
                         ``?wrap_release=true``: exactly the loop's length, the release wrapped onto the start
=======================  ================================================================================

Errors are JSON ``{"error": message}``: 400 for a body that is not JSON (and for a CORS preflight asking for a method
or header the API does not take, :class:`Cors`), 403 for a request from a web page the server does not let in
(:mod:`~mvae_core.serve.guard`) and for an upload to a server that takes none, 404 for an unknown path, 405 for a
wrong method, 413 for a body over its cap, 422 for a parameter the engine refuses (or the model does: a knob's value
its ``check_options`` refuses), 503 when the process reading an upload did not finish
(:class:`~mvae_core.serve.uploads.UploadReadFailed`), for an upload beyond :data:`UPLOADS_AT_ONCE` (with
``Retry-After``), or when the machine ran out of memory making the answer (``ran out of memory (…); free memory
(another program may hold it), then ask again``: no bug, so nothing more is logged); anything unexpected is a 500
with its message (uvicorn logs its traceback), and the server goes on serving. A client that disconnects before its
body has arrived gets nothing and leaves nothing in the log. There is no WebSocket API: a handshake is answered with
a 404 saying so. Every answer carries :data:`SERVED_HEADER`.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from starlette.websockets import WebSocket

from mvae_core.out_of_memory import ran_out_line
from mvae_core.serve.engine import (
    MAX_UPLOAD_BYTES,
    Engine,
    Loop,
    RequestError,
    TrainingPoints,
    UploadsOff,
    download_name,
)
from mvae_core.serve.guard import MAX_WARNED, OriginGuard
from mvae_core.serve.names import upload_name
from mvae_core.serve.uploads import UploadReadFailed
from mvae_core.suggest import closest, did_you_mean

log: logging.Logger = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"
MAX_JSON_BYTES = 64 * 1024
NO_WEBSOCKET = (
    "mvae serve has no WebSocket API: send HTTP requests (POST /api/generate, GET /api/info, …) or OSC over UDP "
    "(mvae serve --osc-port); docs/live.md"
)


SERVED_HEADER = "X-Mvae-Served"
"""The header of every answer (errors too): :attr:`Engine.served`, which ``/api/info`` gives as ``served``."""
FLAG_VALUES = {"true": True, "1": True, "false": False, "0": False}
UPLOADS_AT_ONCE = 2
"""The uploads (``/api/encode``) the server holds at once, one being read and the others waiting their turn; a further
one is answered at once, before its body is read, with a 503 and ``Retry-After`` (:class:`UploadsBusy`). Unbounded,
one guest's script queued uploads for minutes (each may be read for up to
:data:`~mvae_core.serve.uploads.READ_SECONDS`)."""
UPLOAD_RETRY_SECONDS = 5
"""The ``Retry-After`` of an upload refused by :data:`UPLOADS_AT_ONCE`: a file takes seconds to read."""


QUERY = {"/api/wav": ("wrap_release",)}
"""The query parameters of the POST routes (the others take none): any other is refused, so that a misspelt one
(``?wrap-release=true``, as the CLI spells the option) is not ignored in silence."""

BODY = {"/api/encode": "the body is the MIDI file's bytes, its name in the X-Filename header"}
"""What a POST route's body holds, where it is not the knobs' JSON: the refusal of a query parameter says where the
route's input goes instead."""


def _check_query(request: Request) -> None:
    """A :class:`RequestError` (422) naming the first query parameter the route does not take, or gets twice."""
    path = request.url.path
    known = QUERY.get(path, ())
    for name in request.query_params:
        if name not in known:
            takes = f"{path} takes {', '.join(known)}" if known else f"{path} takes no query parameters"
            hint = did_you_mean(name, known, "")
            body = BODY.get(path, "the knobs go in the JSON body")
            raise RequestError(f"unknown query parameter {name[:50]!r}{hint}; {takes} ({body})")
        if (times := len(request.query_params.getlist(name))) > 1:  # which one counts is no rule a client knows
            raise RequestError(f"query parameter {name} is given {times} times; give it once")


def _flag(request: Request, name: str) -> bool:
    """The query parameter ``name`` as a bool (absent: false); another value is a :class:`RequestError` (422)."""
    given = request.query_params.get(name, "false")
    if given.lower() not in FLAG_VALUES:
        raise RequestError(f"{name}={given!r}: give {name}=true or {name}=false")
    return FLAG_VALUES[given.lower()]


class BodyTooLarge(Exception):
    """A request body over its cap (HTTP 413)."""


class UploadsBusy(Exception):
    """An upload beyond :data:`UPLOADS_AT_ONCE` (HTTP 503, with ``Retry-After``)."""


def create_app(
    engine: Engine,
    points: TrainingPoints,
    allow_origins: Sequence[str] = (),
    local_only: bool = False,
    names: frozenset[str] = frozenset(),
) -> Starlette:
    """The app serving ``engine``; ``points`` are the training points ``/api/info`` and ``/api/points`` list, as far
    as they are ready. Web pages from ``allow_origins`` (``"*"``: any) may call the API from their scripts (CORS);
    by default only the server's own page can, and other pages' requests are refused (:mod:`~mvae_core.serve.guard`;
    ``local_only``: the server listens on a loopback address, so a request must name this machine only as its host;
    otherwise by an IP address or one of ``names``, :func:`~mvae_core.serve.guard.machine_names`)."""

    # Uploads are read one at a time, and WAV downloads rendered one at a time, each in a worker thread: several at
    # once starved the event loop and MIDI out of the interpreter (guests uploading files made the performer's loop
    # requests take seconds). Each has a turn of its own: an upload waits on the process reading it, taking no CPU
    # here, and the performer's WAV download waited 41 s behind three guests' uploads when they shared one.
    rendering, reading = asyncio.Semaphore(1), asyncio.Semaphore(1)
    uploads_held = 0  # being read or waiting to be: at most UPLOADS_AT_ONCE

    async def in_turn(turn: asyncio.Semaphore, work: Callable[..., Any], *args: Any) -> Any:
        """``work(*args)`` in a worker thread once ``turn`` is free."""
        async with turn:
            return await run_in_threadpool(work, *args)

    async def page(request: Request) -> Response:
        return FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-cache"})

    async def api_info(request: Request) -> Response:
        return JSONResponse(engine.info(points.get()))

    async def api_points(request: Request) -> Response:
        return JSONResponse(points.get())

    async def api_midi_clock(request: Request) -> Response:
        return JSONResponse({"midi_clock": engine.clock_status()})

    async def api_current(request: Request) -> Response:
        return JSONResponse(engine.current_loop().as_json())

    async def api_generate(request: Request) -> Response:
        _check_query(request)
        return JSONResponse(engine.loop(engine.request(await _json(request))).as_json())

    async def api_midi(request: Request) -> Response:
        _check_query(request)
        loop = engine.loop(engine.request(await _json(request)))
        return Response(engine.midi(loop), media_type="audio/midi", headers=_attachment(engine, loop, ".mid"))

    async def api_wav(request: Request) -> Response:
        _check_query(request)
        wrap_release = _flag(request, "wrap_release")
        loop = engine.loop(engine.request(await _json(request)))
        content, renderer = await in_turn(rendering, engine.wav, loop, wrap_release)
        headers = {**_attachment(engine, loop, ".wav"), "X-Renderer": renderer}
        return Response(content, media_type="audio/wav", headers=headers)

    async def api_encode(request: Request) -> Response:
        nonlocal uploads_held
        _check_query(request)
        engine.check_uploads()  # before the body is read
        if uploads_held >= UPLOADS_AT_ONCE:  # so is this
            raise UploadsBusy(
                f"{UPLOADS_AT_ONCE} uploads are being read or waiting to be, the most this server holds at once; send "
                "the file again in a few seconds"
            )
        uploads_held += 1
        try:
            name = upload_name(request.headers.get("x-filename"))
            content = await _body(request, MAX_UPLOAD_BYTES, "a MIDI upload")
            loops = await in_turn(reading, engine.encode, content, name)
        finally:
            uploads_held -= 1
        return JSONResponse({"file": name, "loops": loops})

    routes = [
        Route("/", page),
        Route("/api/info", api_info),
        Route("/api/points", api_points),
        Route("/api/midi_clock", api_midi_clock),
        Route("/api/current", api_current),
        Route("/api/generate", api_generate, methods=["POST"]),
        Route("/api/midi", api_midi, methods=["POST"]),
        Route("/api/wav", api_wav, methods=["POST"]),
        Route("/api/encode", api_encode, methods=["POST"]),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
        WebSocketRoute("/{path:path}", _no_websocket),
    ]
    handlers = {
        UploadsOff: lambda request, exc: _error(403, str(exc)),
        UploadReadFailed: lambda request, exc: _error(503, str(exc)),
        UploadsBusy: lambda request, exc: _error(503, str(exc), {"Retry-After": str(UPLOAD_RETRY_SECONDS)}),
        RequestError: lambda request, exc: _error(422, str(exc)),
        BodyTooLarge: lambda request, exc: _error(413, str(exc)),
        HTTPException: lambda request, exc: _error(exc.status_code, _http_message(request, exc, routes), exc.headers),
        ClientDisconnect: lambda request, exc: Response(status_code=400),  # nobody is left to read it
        MemoryError: _ran_out,
        RuntimeError: _ran_out,
    }
    guard = {"allow_origins": allow_origins, "local_only": local_only, "names": names}
    middleware = [Middleware(ServedHeader, served=engine.served), Middleware(OriginGuard, **guard)]
    if allow_origins:
        cors = {"allow_methods": CORS_METHODS, "allow_headers": CORS_HEADERS}
        expose = ["Content-Disposition", "X-Renderer", SERVED_HEADER]  # a download's name, its renderer, the model
        # allow_private_network: a browser asks it (Private Network Access) before a public site's page calls this
        # machine or the room's network; the performer let these origins in, so it is granted (refused, an online
        # editor's sketch failed, --allow-origin or not)
        middleware.append(
            Middleware(
                Cors, allow_origins=list(allow_origins), expose_headers=expose, allow_private_network=True, **cors
            )
        )
    middleware.append(Middleware(UnexpectedErrors))  # innermost: its 500 passes the others, as every answer does
    return Starlette(routes=routes, exception_handlers=handlers, middleware=middleware)


CORS_METHODS = ["GET", "POST"]
CORS_HEADERS = ["Content-Type", "X-Filename"]
"""The methods and request headers the scripts of pages let in (``--allow-origin``) may use, besides the headers
every page may send (``Accept``, ``Accept-Language``, ``Content-Language``)."""


class Cors(CORSMiddleware):
    """starlette's CORS, whose refused preflight (a method or request header the API does not take: a sketch adding
    ``Authorization``) is answered as every refusal is, JSON naming what was refused and what the API takes (it was
    ``Disallowed CORS headers``, in plain text), and logged once per origin and what it asked for (it was not logged:
    the page's request failed with nothing on the console). The origin itself :class:`OriginGuard` checked."""

    warned: set[str]

    def __init__(self, app: ASGIApp, **options: Any) -> None:
        super().__init__(app, **options)
        self.warned = set()  # at most MAX_WARNED, as the guard's

    def preflight_response(self, request_headers: Headers) -> Response:
        answer = super().preflight_response(request_headers)
        if answer.status_code < 400:
            return answer
        origin = request_headers["origin"][:100]
        method = request_headers["access-control-request-method"][:20]
        asked = [h.strip() for h in request_headers.get("access-control-request-headers", "").split(",") if h.strip()]
        refused = [f"the method {method}"] if method not in self.allow_methods else []
        refused += [f"the header {h[:50]}" for h in asked if h.lower() not in self.allow_headers][:3]
        takes = (
            f"the API takes the methods {' and '.join(CORS_METHODS)} and the headers {', '.join(CORS_HEADERS)} "
            "(docs/live.md)"
        )
        if refused:
            message = f"a web page from {origin} asked to send {' and '.join(refused)} (a CORS preflight); {takes}"
        else:  # its origin: the server's own page's, which the guard lets in, sends none (curl may)
            message = f"a CORS preflight from {origin} is refused ({answer.body.decode(errors='replace')}); {takes}"
        if message not in self.warned and len(self.warned) < MAX_WARNED:
            self.warned.add(message)
            log.warning("warning: %s", message)
        headers = {k: v for k, v in answer.headers.items() if k not in ("content-length", "content-type")}
        return _error(answer.status_code, message, headers)


class UnexpectedErrors:
    """ASGI middleware, inside the others: an exception no handler answered becomes a 500 naming it
    (:func:`_unexpected`), its traceback logged once on uvicorn's error logger, as uvicorn logs one. Starlette's own
    handler for ``Exception`` answers outside every middleware, so such a 500 lacked :data:`SERVED_HEADER` and, for
    an allowed origin, CORS' headers (a page saw an opaque failure instead of the message). An answer already begun
    is left to the server (it can only be cut)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, send_tracked)
        except Exception as exc:
            if started:
                raise
            logging.getLogger("uvicorn.error").error("Exception in ASGI application", exc_info=exc)
            await _unexpected(Request(scope), exc)(scope, receive, send)


class ServedHeader:
    """ASGI middleware: every answer carries :data:`SERVED_HEADER`, so a page can tell a server restarted on another
    model from the one it loaded, whatever it asked (a refused request too: another latent_dim refuses every point the
    old page sends; and the denial of a WebSocket handshake)."""

    def __init__(self, app: ASGIApp, served: str) -> None:
        self.app = app
        self.served = served

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return

        async def send_served(message: Message) -> None:
            if message["type"] in ("http.response.start", "websocket.http.response.start"):
                MutableHeaders(scope=message)[SERVED_HEADER] = self.served
            await send(message)

        await self.app(scope, receive, send_served)


async def _body(request: Request, limit: int, what: str) -> bytes:
    """The request body, refused (413) past ``limit`` bytes without reading more than that."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge(f"{what} is limited to {limit:,} bytes; this one declares {int(declared):,}")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge(f"{what} is limited to {limit:,} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


async def _json(request: Request) -> Any:
    body = await _body(request, MAX_JSON_BYTES, "a JSON request")
    try:
        return json.loads(body, object_pairs_hook=_once_each)
    except RequestError:
        raise
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        reason = str(exc)
    except ValueError:  # Python refuses to read an integer of over 4300 digits
        reason = "a number with too many digits"
    except RecursionError:
        reason = "nested too deeply"
    raise HTTPException(400, f'the body is not JSON ({reason}); send e.g. {{"z": [0.5, -1]}}')


def _once_each(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object as a dict; a :class:`RequestError` (422) for a name it gives twice (``{"z": …, "z": …}``: JSON
    readers disagree on which counts, and Python's would take the last in silence)."""
    table: dict[str, Any] = {}
    for name, value in pairs:
        if name in table:
            raise RequestError(f"{name[:60]!r} is given twice in the JSON body; give each parameter once")
        table[name] = value
    return table


def _http_message(request: Request, exc: HTTPException, routes: Sequence[BaseRoute]) -> str:
    """What a 404 or 405 answers: the path or method, what the server has instead (and a "did you mean")."""
    path = request.url.path[:100]
    if exc.status_code == 404:
        paths = [route.path for route in routes if isinstance(route, Route)]
        close = closest(path.removeprefix("/api/"), [p.removeprefix("/api/") for p in paths[1:]])
        hint = f"did you mean /api/{close}? " if close else ""
        return f"no such path {path}; {hint}the page is / and the API is {', '.join(paths[1:])}"
    if exc.status_code == 405:
        allowed = (exc.headers or {}).get("Allow", "another method")
        return f"{request.method[:10]} is not allowed on {path}; use {allowed} (docs/live.md lists the API)"
    return exc.detail


def _attachment(engine: Engine, loop: Loop, suffix: str) -> dict[str, str]:
    """The header that names a download of ``loop`` (:func:`~mvae_core.serve.engine.download_name`)."""
    name = download_name(loop.request, engine.defaults, suffix)
    return {"Content-Disposition": f'attachment; filename="{name}"'}


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=headers)


async def _no_websocket(websocket: WebSocket) -> None:
    """A WebSocket handshake is answered with a 404 that says what to use instead (there is no WebSocket API); a
    server without the denial-response extension can only refuse it (HTTP 403)."""
    if "websocket.http.response" in websocket.scope.get("extensions", {}):
        await websocket.send_denial_response(_error(404, NO_WEBSOCKET))
    else:
        await websocket.close(code=1008, reason=NO_WEBSOCKET[:120])


def _ran_out(request: Request, exc: Exception) -> JSONResponse:
    """A 503 saying that the machine ran out of memory making the answer (:func:`~mvae_core.out_of_memory.ran_out_line`,
    a model's own code included: no bug of the model, so no traceback is logged); any other error is re-raised, for
    :func:`_unexpected`."""
    if (said := ran_out_line(exc, again="ask again")) is None:
        raise exc
    return _error(503, said)


def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    """A 500 naming the exception (:class:`UnexpectedErrors` logs its traceback)."""
    return _error(500, f"internal error: {type(exc).__name__}: {exc}")
