"""The benchmark's HTTP/1.1 client (bench/lib/http.py) against a scripted server on loopback."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass

import pytest
from bench.lib.http import Connection, HttpError

from tests.bench.event_loop import run


@dataclass
class Seen:
    """One request as the server read it."""

    connection: int
    method: str
    target: str
    headers: dict[str, str]
    body: bytes


def reply(body: bytes = b"ok", status: str = "200 OK", headers: str = "") -> bytes:
    return f"HTTP/1.1 {status}\r\nContent-Length: {len(body)}\r\n{headers}\r\n".encode() + body


class ScriptedServer:
    """An HTTP server on 127.0.0.1 whose answers come from ``respond(seen, number)``.

    ``respond`` gets the request and its number (0, 1, ... over all connections) and returns
    ``(raw bytes to write, close the connection afterwards)``; ``None`` drops the connection
    without an answer."""

    def __init__(self, respond):
        self.respond = respond
        self.seen: list[Seen] = []
        self.connections = 0

    async def __aenter__(self) -> ScriptedServer:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.base_url = f"http://127.0.0.1:{self.server.sockets[0].getsockname()[1]}"
        return self

    async def __aexit__(self, *exc_info) -> None:
        self.server.close()
        await self.server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        number = self.connections
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except asyncio.IncompleteReadError:
                    return
                request_line, *lines = head.decode("latin-1").rstrip("\r\n").split("\r\n")
                method, target, _ = request_line.split(" ")
                headers = {}
                for line in lines:
                    name, _, value = line.partition(":")
                    headers[name.strip().lower()] = value.strip()
                body = await reader.readexactly(int(headers.get("content-length", 0)))
                seen = Seen(number, method, target, headers, body)
                self.seen.append(seen)
                answer = self.respond(seen, len(self.seen) - 1)
                if answer is None:
                    return
                data, close = answer
                writer.write(data)
                await writer.drain()
                if close:
                    return
        finally:
            writer.close()


def test_keep_alive_reuses_one_connection_and_reads_content_length_bodies():
    async def scenario():
        async with ScriptedServer(lambda seen, n: (reply(f"answer {n}".encode()), False)) as server:
            async with Connection(server.base_url, host="example.localhost") as client:
                bodies = [(await client.get("/healthz")).body for _ in range(5)]
            return server, client, bodies

    server, client, bodies = run(scenario())
    assert bodies == [f"answer {n}".encode() for n in range(5)]
    assert server.connections == 1
    assert client.connects == 1
    assert {seen.connection for seen in server.seen} == {1}
    assert server.seen[0].headers["host"] == "example.localhost"
    assert server.seen[0].headers["accept-language"] == "de"
    assert server.seen[0].headers["user-agent"] == "rathaus-bench"
    assert "cookie" not in server.seen[0].headers


def test_chunked_body_is_decoded_and_the_connection_kept():
    chunked = (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n"
        b'7;name=value\r\n{"start\r\n'
        b'a\r\ns": [1, 2]\r\n'
        b"1\r\n}\r\n"
        b"0\r\nX-Trailer: yes\r\n\r\n"
    )

    async def scenario():
        async with ScriptedServer(lambda seen, n: (chunked, False)) as server:
            async with Connection(server.base_url, host="h") as client:
                first = await client.get("/a")
                second = await client.get("/b")
            return server, first, second

    server, first, second = run(scenario())
    assert first.body == b'{"starts": [1, 2]}'
    assert first.json() == {"starts": [1, 2]}
    assert second.body == first.body
    assert server.connections == 1


def test_chunked_body_split_across_many_packets():
    parts = [b"HTTP/1.1 200 OK\r\nTransfer-", b"Encoding: chunked\r\n\r\n5\r", b"\nhel", b"lo\r\n"]
    parts += [b"6\r\n world\r\n0", b"\r\n", b"\r\n"]

    async def slow_server(reader, writer):
        try:
            await reader.readuntil(b"\r\n\r\n")
            for part in parts:
                writer.write(part)
                await writer.drain()
                await asyncio.sleep(0.01)
        finally:
            writer.close()

    async def scenario():
        server = await asyncio.start_server(slow_server, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        async with server, Connection(f"http://127.0.0.1:{port}", host="h") as client:
            return await client.get("/")

    assert run(scenario()).body == b"hello world"


def test_connection_close_is_followed_by_a_new_connection():
    def respond(seen, n):
        if n == 0:
            return reply(b"first", headers="Connection: close\r\n"), True
        return reply(b"again"), False

    async def scenario():
        async with ScriptedServer(respond) as server:
            async with Connection(server.base_url, host="h") as client:
                first = await client.get("/")
                second = await client.get("/")
                third = await client.get("/")
            return server, client, (first.body, second.body, third.body)

    server, client, bodies = run(scenario())
    assert bodies == (b"first", b"again", b"again")
    assert server.connections == 2
    assert client.connects == 2
    assert [seen.connection for seen in server.seen] == [1, 2, 2]


def test_connection_the_server_closed_while_idle_is_reopened():
    # The server answers with keep-alive, then closes the idle connection (gunicorn's keep-alive).
    async def scenario():
        async with ScriptedServer(lambda seen, n: (reply(b"x"), True)) as server:
            async with Connection(server.base_url, host="h") as client:
                await client.get("/")
                await asyncio.sleep(0.1)
                response = await client.post_json("/api/v1/holds", {"n": 1})
            return server, client, response

    server, client, response = run(scenario())
    assert response.status == 200
    assert client.connects == 2
    # The POST went out once, on the new connection: nothing was sent into the closed one.
    assert [(seen.method, seen.connection) for seen in server.seen] == [("GET", 1), ("POST", 2)]


def test_response_without_length_ends_at_eof():
    async def scenario():
        raw = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end"
        async with ScriptedServer(lambda seen, n: (raw, True)) as server:
            async with Connection(server.base_url, host="h") as client:
                first = await client.get("/")
                second = await client.get("/")
            return server, first, second

    server, first, second = run(scenario())
    assert first.body == second.body == b"until the end"
    assert server.connections == 2


def test_post_dropped_after_it_was_sent_raises_and_is_not_resent():
    def respond(seen, n):
        return None if seen.method == "POST" else (reply(b"ok"), False)

    async def scenario():
        async with ScriptedServer(respond) as server:
            async with Connection(server.base_url, host="h") as client:
                await client.get("/")  # the POST goes out on a reused connection
                with pytest.raises(HttpError, match="connection closed"):
                    await client.post_json("/api/v1/holds", {"challenge": "once"})
                after = await client.get("/")
            return server, after

    server, after = run(scenario())
    posts = [seen for seen in server.seen if seen.method == "POST"]
    assert len(posts) == 1
    assert after.status == 200  # the client is usable again, on a new connection
    assert server.connections == 2


def test_get_on_a_reused_connection_closed_without_an_answer_is_sent_once_more():
    # The server closes the idle connection just as the next GET arrives: that GET is repeated
    # on a new connection (nothing of it was answered), as browsers do.
    def respond(seen, n):
        return None if n == 1 else (reply(b"fine"), False)

    async def scenario():
        async with ScriptedServer(respond) as server:
            async with Connection(server.base_url, host="h") as client:
                await client.get("/one")
                response = await client.get("/two")
            return server, response

    server, response = run(scenario())
    assert response.body == b"fine"
    assert [(seen.target, seen.connection) for seen in server.seen] == [
        ("/one", 1),
        ("/two", 1),
        ("/two", 2),
    ]


def test_query_params_are_url_encoded():
    async def scenario():
        async with ScriptedServer(lambda seen, n: (reply(), False)) as server:
            async with Connection(server.base_url, host="h") as client:
                await client.get(
                    "/api/v1/offices/amt/free-slots",
                    params={"services": "pass & ausweis", "from": "2026-01-05", "q": "ä/ö"},
                )
                await client.get("/list?page=2", params={"to": "x y"})
            return server

    server = run(scenario())
    assert server.seen[0].target == (
        "/api/v1/offices/amt/free-slots?services=pass+%26+ausweis&from=2026-01-05&q=%C3%A4%2F%C3%B6"
    )
    assert server.seen[1].target == "/list?page=2&to=x+y"


def test_json_post_sends_body_content_type_and_cookie():
    payload = {"office": "amt", "services": [{"service": "pass", "count": 1}], "start": "ü"}

    async def scenario():
        answer = reply(b'{"hold": 7}', "201 Created", "Content-Type: application/json\r\n")
        async with ScriptedServer(lambda seen, n: (answer, False)) as server:
            cookies = {"sessionid": "abc", "csrftoken": "def"}
            async with Connection(server.base_url, host="h", cookies=cookies) as client:
                response = await client.post_json("/api/v1/holds", payload)
            return server, response

    server, response = run(scenario())
    seen = server.seen[0]
    assert (seen.method, seen.target) == ("POST", "/api/v1/holds")
    assert seen.headers["content-type"] == "application/json"
    assert int(seen.headers["content-length"]) == len(seen.body)
    assert json.loads(seen.body) == payload
    assert seen.headers["cookie"] == "sessionid=abc; csrftoken=def"
    assert (response.status, response.ok, response.json()) == (201, True, {"hold": 7})
    assert response.headers["content-type"] == "application/json"


def test_timeout_raises_the_client_error():
    async def scenario():
        # The server sends the status line and then nothing more.
        async with ScriptedServer(lambda seen, n: (b"HTTP/1.1 200 OK\r\n", False)) as server:
            client = Connection(server.base_url, host="h", timeout=0.2)
            with pytest.raises(HttpError, match=r"within 0\.2 s"):
                await client.get("/")
            client.close()

    run(scenario())


def test_refused_connection_and_non_loopback_targets():
    async def scenario():
        server = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        server.close()
        await server.wait_closed()
        with pytest.raises(HttpError, match="cannot connect"):
            await Connection(f"http://127.0.0.1:{port}", host="h").get("/")

    run(scenario())
    with pytest.raises(ValueError, match="loopback"):
        Connection("http://192.0.2.1:80", host="h")


def test_connects_from_the_given_source_address():
    async def scenario():
        peers = []

        async def serve(reader, writer):
            try:
                peers.append(writer.get_extra_info("peername")[0])
                await reader.readuntil(b"\r\n\r\n")
                writer.write(reply())
                await writer.drain()
            finally:
                writer.close()

        server = await asyncio.start_server(serve, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        async with (
            server,
            Connection(f"http://127.0.0.1:{port}", host="h", source="127.0.3.9") as c,
        ):
            await c.get("/")
        return peers

    assert run(scenario()) == ["127.0.3.9"]
