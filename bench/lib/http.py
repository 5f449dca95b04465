"""A lean HTTP/1.1 keep-alive client on plain asyncio, for the loopback benchmarks.

The load generator runs on the same cores as the server under test, so every CPU cycle the client
spends per request is taken from the server and distorts the figures. A general-purpose client
(aiohttp) took two to three times the CPU per request of this one on loopback: here a
``Connection`` is one TCP connection driven by an ``asyncio.Protocol`` with a small response
parser, the fixed headers are encoded once, and nothing else happens per request (no cookie jar,
no redirects, no decompression).

What it does: GET with query parameters, POST with a JSON body, one request at a time per
connection, keep-alive with lazy reconnects. Responses are framed by ``Content-Length``,
``Transfer-Encoding: chunked`` (decoded) or the end of the connection. A connection the server
closed while idle (or announced with ``Connection: close``) is replaced by a new one before the
next request is sent. A connection that breaks after a request went out raises ``HttpError``;
only a GET on a reused connection that got no byte of an answer is sent once more (the server
closed the idle connection at the moment it was sent), never a POST: each hold POST spends a
one-time proof-of-work solution. Loopback addresses only.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

DEFAULT_HEADERS = {"Accept-Language": "de", "User-Agent": "rathaus-bench"}
MAX_HEAD_BYTES = 65536


class HttpError(OSError):
    """Every failure of a request: connect, timeout, broken connection, malformed response."""


def ensure_loopback(url: str) -> None:
    """Refuse any target that is not a loopback address (the benchmarks never load other hosts)."""
    hostname = urlsplit(url).hostname or ""
    if hostname == "localhost":
        return
    try:
        if ipaddress.ip_address(hostname).is_loopback:
            return
    except ValueError:
        pass
    raise ValueError(f"load is only sent to loopback addresses, not to {hostname!r}")


@dataclass(slots=True)
class Response:
    """A complete response; header names are lower-case, repeated headers joined with ", "."""

    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def ok(self) -> bool:
        return self.status < 400

    def json(self):
        """The body decoded as JSON; a body that is not JSON is an ``HttpError`` like any other
        unusable answer, so callers count it with the other errors."""
        try:
            return json.loads(self.body)
        except ValueError as exc:
            raise HttpError(f"HTTP {self.status} body is not JSON: {self.body[:80]!r}") from exc


class _ResponseReader(asyncio.Protocol):
    """One TCP connection: writes a request, parses the response into ``waiter``.

    Parser states: ``head`` (status line and headers), then the body as ``length`` (bytes left in
    ``remaining``), ``chunk_size`` / ``chunk_data`` / ``trailers`` (chunked) or ``eof``.
    """

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.closed = False  # the connection cannot carry another request
        self.responses = 0  # complete responses read on this connection
        self.received_any = False  # a byte of the current response arrived
        self.waiter: asyncio.Future | None = None
        self.buffer = bytearray()
        self.state = "head"
        self.remaining = 0
        self.status = 0
        self.headers: dict[str, str] = {}
        self.body = bytearray()
        self.keep_alive = True

    # --- asyncio callbacks ------------------------------------------------------------------------
    def connection_made(self, transport) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        if self.waiter is None or self.waiter.done():
            self._fail(HttpError("bytes from the server without a request"))
            return
        self.received_any = True
        self.buffer += data
        try:
            self._parse()
        except (ValueError, HttpError) as exc:
            self._fail(exc if isinstance(exc, HttpError) else HttpError(f"bad response: {exc}"))

    def eof_received(self) -> bool:
        self.closed = True
        if self.state == "eof" and self.waiter is not None and not self.waiter.done():
            self._finish()
        return False  # let the transport close itself

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self.waiter is not None and not self.waiter.done():
            if self.state == "eof":
                self._finish()
            else:
                reason = f": {exc}" if exc else ""
                self.waiter.set_exception(
                    HttpError(f"connection closed before the response was complete{reason}")
                )

    # --- requests ---------------------------------------------------------------------------------
    def send(self, data: bytes) -> asyncio.Future:
        """Write one request; the future resolves to its ``Response`` (or an ``HttpError``)."""
        self.waiter = asyncio.get_running_loop().create_future()
        self.received_any = False
        self.buffer.clear()
        self.state = "head"
        self.body = bytearray()
        self.transport.write(data)
        return self.waiter

    def close(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.close()

    def _fail(self, exc: HttpError) -> None:
        self.close()
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(exc)

    def _finish(self) -> None:
        if self.buffer:  # bytes after the response although no further request was sent
            self.keep_alive = False
        self.responses += 1
        if not self.keep_alive:
            self.close()
        self.state = "done"
        self.waiter.set_result(Response(self.status, self.headers, bytes(self.body)))

    # --- parser -----------------------------------------------------------------------------------
    def _parse(self) -> None:
        buffer = self.buffer
        while True:
            state = self.state
            if state == "head":
                end = buffer.find(b"\r\n\r\n")
                if end < 0:
                    if len(buffer) > MAX_HEAD_BYTES:
                        raise HttpError("response head too large")
                    return
                head = bytes(buffer[:end]).decode("latin-1")
                del buffer[: end + 4]
                self._read_head(head)
            elif state == "length":
                if len(buffer) < self.remaining:
                    return
                self.body = buffer[: self.remaining]
                del buffer[: self.remaining]
                self._finish()
                return
            elif state == "chunk_size":
                end = buffer.find(b"\r\n")
                if end < 0:
                    return
                size = int(bytes(buffer[:end]).split(b";", 1)[0].strip(), 16)
                del buffer[: end + 2]
                self.remaining = size
                self.state = "chunk_data" if size else "trailers"
            elif state == "chunk_data":
                if len(buffer) < self.remaining + 2:
                    return
                if buffer[self.remaining : self.remaining + 2] != b"\r\n":
                    raise HttpError("chunk not followed by CRLF")
                self.body += buffer[: self.remaining]
                del buffer[: self.remaining + 2]
                self.state = "chunk_size"
            elif state == "trailers":
                if buffer[:2] == b"\r\n":
                    del buffer[:2]
                else:
                    end = buffer.find(b"\r\n\r\n")
                    if end < 0:
                        return
                    del buffer[: end + 4]
                self._finish()
                return
            elif state == "eof":
                self.body += buffer
                buffer.clear()
                return
            else:  # "done": nothing is expected
                raise HttpError("bytes after the response")

    def _read_head(self, head: str) -> None:
        """Status line and headers; decides how the body is framed and whether to keep alive."""
        status_line, *lines = head.split("\r\n")
        version, _, rest = status_line.partition(" ")
        if not version.startswith("HTTP/1."):
            raise HttpError(f"not an HTTP/1.x response: {status_line[:80]!r}")
        self.status = int(rest[:3])
        headers: dict[str, str] = {}
        for line in lines:
            name, colon, value = line.partition(":")
            if not colon:
                raise HttpError(f"malformed header line {line[:80]!r}")
            name = name.strip().lower()
            value = value.strip()
            headers[name] = f"{headers[name]}, {value}" if name in headers else value
        if 100 <= self.status < 200:
            return  # an interim response: the real one follows, still in state "head"
        self.headers = headers
        tokens = {t.strip().lower() for t in headers.get("connection", "").split(",")}
        if version == "HTTP/1.0":
            self.keep_alive = "keep-alive" in tokens
        else:
            self.keep_alive = "close" not in tokens
        encoding = headers.get("transfer-encoding", "").lower()
        if self.status in (204, 304):
            self.remaining, self.state = 0, "length"
        elif encoding:
            if encoding.rsplit(",", 1)[-1].strip() != "chunked":
                raise HttpError(f"unsupported Transfer-Encoding {encoding!r}")
            self.state = "chunk_size"
        elif "content-length" in headers:
            self.remaining = int(headers["content-length"])
            if self.remaining < 0:
                raise HttpError("negative Content-Length")
            self.state = "length"
        else:
            self.keep_alive = False
            self.state = "eof"


class Connection:
    """One simulated client: one keep-alive TCP connection to a loopback server, opened lazily.

    ``base_url`` is the server (``http://127.0.0.1:8000``); requests take a path. ``host`` is sent
    as the Host header, ``cookies`` (optional) as a fixed Cookie header, ``source`` (optional) is
    the local address to connect from (the server limits per client address). ``timeout`` bounds
    each request in seconds, connecting included. Use as ``async with`` or call ``close()``.
    """

    def __init__(
        self,
        base_url: str,
        *,
        host: str,
        cookies: dict[str, str] | None = None,
        source: str | None = None,
        timeout: float = 10.0,
        headers: dict[str, str] | None = None,
    ) -> None:
        ensure_loopback(base_url)
        parts = urlsplit(base_url)
        self.address = (parts.hostname, parts.port or 80)
        self.prefix = parts.path.rstrip("/")
        self.local_addr = (source, 0) if source else None
        self.timeout = timeout
        fixed = {"Host": host, **DEFAULT_HEADERS, **(headers or {})}
        if cookies:
            fixed["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
        self._fixed_headers = "".join(f"{k}: {v}\r\n" for k, v in fixed.items()).encode("latin-1")
        self._reader: _ResponseReader | None = None
        self.connects = 0  # TCP connections opened so far

    async def get(self, path: str, params: dict | None = None) -> Response:
        """GET ``path`` with ``params`` URL-encoded into the query string."""
        if params:
            path = f"{path}{'&' if '?' in path else '?'}{urlencode(params)}"
        return await self.request("GET", path)

    async def post_json(self, path: str, payload) -> Response:
        """POST ``payload`` as a JSON body."""
        body = json.dumps(payload).encode()
        return await self.request("POST", path, body, "application/json")

    async def request(
        self, method: str, path: str, body: bytes = b"", content_type: str | None = None
    ) -> Response:
        """Send one request and read the whole response. Raises ``HttpError`` on any failure."""
        head = f"{method} {self.prefix}{path} HTTP/1.1\r\n"
        if body or method != "GET":
            head += f"Content-Length: {len(body)}\r\n"
        if content_type:
            head += f"Content-Type: {content_type}\r\n"
        data = b"".join((head.encode("latin-1"), self._fixed_headers, b"\r\n", body))
        try:
            async with asyncio.timeout(self.timeout):
                reader = await self._ready()
                try:
                    response = await reader.send(data)
                except HttpError:
                    if method != "GET" or not reader.responses or reader.received_any:
                        raise
                    # The server closed the idle connection while the GET was on its way.
                    self._drop()
                    response = await (await self._ready()).send(data)
        except TimeoutError as exc:
            self._drop()
            raise HttpError(f"no complete response within {self.timeout:g} s") from exc
        except BaseException:
            self._drop()
            raise
        if self._reader is not None and self._reader.closed:
            self._drop()
        return response

    async def _ready(self) -> _ResponseReader:
        """The open connection, or a new one if there is none or the server has closed it."""
        reader = self._reader
        if reader is not None and not reader.closed and not reader.transport.is_closing():
            return reader
        self._drop()
        loop = asyncio.get_running_loop()
        try:
            _, reader = await loop.create_connection(
                _ResponseReader, *self.address, local_addr=self.local_addr
            )
        except OSError as exc:
            raise HttpError(
                f"cannot connect to {self.address[0]}:{self.address[1]}: {exc}"
            ) from exc
        self.connects += 1
        self._reader = reader
        return reader

    def _drop(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None

    def close(self) -> None:
        """Close the connection (a later request would open a new one)."""
        self._drop()

    async def __aenter__(self) -> Connection:
        return self

    async def __aexit__(self, *exc_info) -> None:
        self.close()
