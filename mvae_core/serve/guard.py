"""Who may make ``mvae serve`` act: requests from web pages the performer did not let in are refused (HTTP 403).

Any web page open in the performer's browser can send requests to ``http://127.0.0.1:PORT``. CORS only stops it from
*reading* the answers: a page's form or ``fetch(..., {mode: "no-cors"})`` still reaches the server, and a loop request
changes what MIDI out plays. Browsers name the page that sends a request in its ``Origin`` header, so:

* a request with an ``Origin`` is served when that origin is the server's own (``http://`` + the ``Host`` it was
  sent to: the page ``mvae serve`` itself serves) or one of ``--allow-origin``'s (``*``: any); otherwise it is a 403,
  logged once per origin with the option that lets it in. So is a CORS preflight (``OPTIONS`` with
  ``Access-Control-Request-Method``) from such a page; one from a page let in goes on to the app's CORS answer.
* a request without one (curl, Python, Max's ``[maxurl]``, OSC bridges: programs, not pages) is served.
* on a loopback address, a request whose ``Host`` is not a name of this machine (``localhost``, a loopback address)
  is refused too: a page of a domain that its owner points at 127.0.0.1 would otherwise be "the server's own origin"
  (DNS rebinding).
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Sequence
from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

log = logging.getLogger(__name__)
MAX_WARNED = 100
"""The refused origins logged (once each); a client forging a new Origin per request fills neither memory nor the log."""


def let_in_message(origin: str, what: str) -> str:
    """What the server says of a page from ``origin`` that it does not let in; ``what`` the page did."""
    return (
        f"a web page from {origin} {what}; to let its scripts in, start mvae serve with --allow-origin {origin} "
        "(docs/live.md)"
    )


def is_local_name(host: str) -> bool:
    """Whether ``host`` (``mvae serve --host``, or a ``Host`` header's name without the port) names this machine
    only: localhost (any case, as the resolver reads it) or a loopback IP."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class OriginGuard:
    """ASGI middleware (module docstring). ``allow_origins``: the origins let in (``"*"``: any); ``local_only``: the
    server listens on a loopback address, so the ``Host`` must name this machine."""

    def __init__(self, app: ASGIApp, allow_origins: Sequence[str], local_only: bool) -> None:
        self.app = app
        self.allow_origins = frozenset(allow_origins)
        self.local_only = local_only
        self.warned: set[str] = set()  # the origins logged (at most MAX_WARNED, 100 characters each)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            headers = Headers(scope=scope)
            preflight = scope["method"] == "OPTIONS" and "access-control-request-method" in headers
            checked = scope["method"] != "OPTIONS" or preflight  # another OPTIONS: the app's 405
            if checked and (problem := self.refusal(headers, preflight)):
                await JSONResponse({"error": problem}, status_code=403)(scope, receive, send)
                return
        await self.app(scope, receive, send)

    def refusal(self, headers: Headers, preflight: bool = False) -> str | None:
        """Why a request (a CORS ``preflight``) with these headers is refused, or None when it is served."""
        host = headers.get("host", "")
        if self.local_only and not is_local_name(_host_name(host)):
            return (
                f"Host {host[:100]!r}: this server listens on this machine only and answers requests to localhost "
                "or 127.0.0.1 (a page of another name that leads here is refused)"
            )
        origin = headers.get("origin")
        if origin is None or "*" in self.allow_origins or origin in self.allow_origins or origin == f"http://{host}":
            return None
        what = "asked to call the API (a CORS preflight)" if preflight else "sent the server a request"
        shown = origin[:100]
        message = let_in_message(shown, what)
        if shown not in self.warned and len(self.warned) < MAX_WARNED:
            self.warned.add(shown)
            log.warning("warning: %s", message)
        return message


def _host_name(host: str) -> str:
    """The name in a ``Host`` header's value (``""`` for a malformed one, e.g. ``[::1`` without its bracket)."""
    try:
        return urlsplit(f"//{host}").hostname or ""
    except ValueError:  # urlsplit refuses it: no name of this machine
        return ""
