"""Who may make ``mvae serve`` act: requests from web pages the performer did not let in are refused (HTTP 403).

Any web page open in the performer's browser can send requests to ``http://127.0.0.1:PORT``. CORS only stops it from
*reading* the answers: a page's form or ``fetch(..., {mode: "no-cors"})`` still reaches the server, and a loop request
changes what MIDI out plays. Browsers name the page that sends a request in its ``Origin`` header, so:

* a request with an ``Origin`` is served when that origin is the server's own (``http://`` + the ``Host`` it was
  sent to: the page ``mvae serve`` itself serves) or one of ``--allow-origin``'s (``*``: any); otherwise it is a 403,
  logged once per origin with the option that lets it in. So is a CORS preflight (``OPTIONS`` with
  ``Access-Control-Request-Method``) from such a page; one from a page let in goes on to the app's CORS answer.
* a request without one (curl, Python, Max's ``[maxurl]``, OSC bridges: programs, not pages) is served.
* a request whose ``Host`` is not a name of this machine is refused too, logged once per name: a page of a domain
  that its owner points at this machine's address would otherwise be "the server's own origin" and could drive it
  and read its answers (DNS rebinding). On a loopback address the names are ``localhost`` and loopback addresses; on
  any other (``--host 0.0.0.0``: phones in the room) also any IP address (a browser sends one only when its page
  came from that address), this machine's host name, a ``.local`` name (mDNS: only a device on the same network can
  answer for one, and such a device can reach the server anyway) and ``--host`` itself when it is a name. A request
  without a ``Host`` (a hand-made HTTP/1.0 client) comes from no browser and is not refused for it.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
from collections.abc import Sequence
from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

log: logging.Logger = logging.getLogger(__name__)
MAX_WARNED = 100
"""The refused origins and hosts logged (once each); a client forging a new one per request fills neither memory nor the
log."""


WEB_SCHEMES = ("http", "https")
"""The schemes of the origins ``--allow-origin`` takes (as browsers send them, lower case)."""


def is_web_origin(origin: str) -> bool:
    """Whether ``origin`` is an ``http://`` or ``https://`` origin with a host (which ``--allow-origin`` can name)."""
    scheme, sep, rest = origin.partition("://")
    return scheme in WEB_SCHEMES and bool(sep) and bool(rest)


def let_in_message(origin: str, what: str) -> str:
    """What the server says of a page from ``origin`` that it does not let in; ``what`` the page did. A page opened
    from a file (or in a sandboxed frame) has the origin ``null``, which any site's sandboxed frame also sends: no
    option lets it alone in; nor one of another scheme (``file://`` from an Electron app or a WebView,
    ``chrome-extension://…``), which ``--allow-origin`` does not take."""
    if not is_web_origin(origin):
        page = "opened from a file (Origin: null)" if origin == "null" else f"from {origin}"
        return (
            f"a web page {page} {what}; serve its folder over HTTP instead (e.g. python -m http.server 5500) and "
            "start mvae serve with --allow-origin http://localhost:5500, or with --allow-origin '*' for any page "
            "(docs/live.md)"
        )
    return (
        f"a web page from {origin} {what}; to let its scripts in, start mvae serve with --allow-origin {origin} "
        "(docs/live.md)"
    )


def is_local_name(host: str) -> bool:
    """Whether ``host`` (``mvae serve --host``, or a ``Host`` header's name without the port) names this machine
    only: localhost (any case, as the resolver reads it) or a loopback IP."""
    if host.lower() == "localhost":
        return True
    ip = _ip(host)
    return ip is not None and ip.is_loopback


def is_network_name(host: str, names: frozenset[str]) -> bool:
    """Whether a ``Host`` header's name (without the port) may name a server that listens beyond loopback: a local
    name, any IP address, a ``.local`` (mDNS) name or one of ``names`` (lower case; :func:`machine_names`)."""
    name = host.lower().rstrip(".")
    return is_local_name(name) or _ip(name) is not None or name.endswith(".local") or name in names


def machine_names(bind_host: str) -> frozenset[str]:
    """The names other devices may reach this machine by, besides its addresses: its host name (as the OS gives it,
    and its first label) and ``bind_host`` (``mvae serve --host``) when that is a name; lower case."""
    full = socket.gethostname().lower().rstrip(".")
    names = {full, full.split(".", 1)[0]}
    if _ip(bind_host) is None:
        names.add(bind_host.lower().rstrip("."))
    return frozenset(name for name in names if name and not is_local_name(name))  # localhost is named anyway


def _ip(name: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """``name`` as an IP address (an IPv6 one with or without its brackets), or None when it is a name."""
    try:
        return ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        return None


class OriginGuard:
    """ASGI middleware (module docstring). ``allow_origins``: the origins let in (``"*"``: any); ``local_only``: the
    server listens on a loopback address, so the ``Host`` must name this machine only; otherwise it must be a name
    :func:`is_network_name` takes, with ``names`` (:func:`machine_names`)."""

    allow_origins: frozenset[str]

    def __init__(
        self, app: ASGIApp, allow_origins: Sequence[str], local_only: bool, names: frozenset[str] = frozenset()
    ) -> None:
        self.app = app
        self.allow_origins = frozenset(allow_origins)
        self.local_only = local_only
        self.names = names
        self.warned: set[str] = set()  # the origins and hosts logged (at most MAX_WARNED, 100 characters each)

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
        """Why a request (a CORS ``preflight``) with these headers is refused, or None when it is served; the first
        refusal of each host or origin is logged. A request without a ``Host`` (an HTTP/1.0 client made by hand: a
        Pd patch, a microcontroller) comes from no browser, so no page of another name."""
        host = headers.get("host")
        shown_host = f"Host {(host or '')[:100]!r}"
        if host is not None and self.local_only and not is_local_name(_host_name(host)):
            return self._logged(
                shown_host,
                f"{shown_host}: this server listens on this machine only and answers requests to localhost or "
                "127.0.0.1 (a page of another name that leads here is refused)",
            )
        if host is not None and not self.local_only and not is_network_name(_host_name(host), self.names):
            return self._logged(
                shown_host,
                f"{shown_host}: this server answers requests to this machine's IP addresses, "
                f"{', '.join(['localhost', *sorted(self.names)])} or a .local name (a page of another name that leads "
                "here is refused; docs/live.md)",
            )
        origin = headers.get("origin")
        if origin is None or "*" in self.allow_origins or origin in self.allow_origins or origin == f"http://{host}":
            return None
        what = "asked to call the API (a CORS preflight)" if preflight else "sent the server a request"
        return self._logged(origin[:100], let_in_message(origin[:100], what))

    def _logged(self, who: str, message: str) -> str:
        """``message``, logged the first time ``who`` (an origin or a host) is refused, for at most :data:`MAX_WARNED`
        of them."""
        if who not in self.warned and len(self.warned) < MAX_WARNED:
            self.warned.add(who)
            log.warning("warning: %s", message)
        return message


def _host_name(host: str) -> str:
    """The name in a ``Host`` header's value (``""`` for a malformed one, e.g. ``[::1`` without its bracket)."""
    try:
        return urlsplit(f"//{host}").hostname or ""
    except ValueError:  # urlsplit refuses it: no name of this machine
        return ""
