"""A mail server on loopback that records what it accepted, for counting deliveries honestly.

A message counts as delivered when the sink answered ``250`` to its data, as for any SMTP
server: a client that dies before that answer delivered nothing. The sink listens on several
ports (one per worker, so a held message names its worker). ``hold_next()`` makes it keep the
next message's ``250`` back until ``release()``: the worker sending it is then certainly inside
its delivery task, with the queued row locked in an open transaction. After ``release()`` the
message is recorded only if its client is still connected.
"""

from __future__ import annotations

import email
import email.policy
import socket
import socketserver
import threading
from dataclasses import dataclass


@dataclass(frozen=True)
class Delivered:
    port: int
    recipients: tuple[str, ...]
    subject: str
    message_id: str


class _Handler(socketserver.StreamRequestHandler):
    timeout = 120

    def _reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")
        self.wfile.flush()

    def handle(self) -> None:
        sink: SmtpSink = self.server.sink
        port = self.server.server_address[1]
        recipients: list[str] = []
        self._reply("220 sink ESMTP")
        while True:
            line = self.rfile.readline()
            if not line:
                return
            verb = line[:4].upper()
            if verb == b"EHLO":
                self._reply("250-sink")
                self._reply("250 8BITMIME")
            elif verb == b"HELO":
                self._reply("250 sink")
            elif verb == b"MAIL":
                recipients = []
                self._reply("250 OK")
            elif verb == b"RCPT":
                address = line.decode().partition(":")[2].strip().strip("<>")
                recipients.append(address)
                self._reply("250 OK")
            elif verb == b"DATA":
                self._reply("354 go ahead")
                data = self._read_data()
                if data is None:
                    return
                if sink._hold_here(port, recipients) and not self._still_connected():
                    with sink.lock:
                        sink.aborted += 1
                    return
                message = email.message_from_bytes(data, policy=email.policy.default)
                delivered = Delivered(
                    port=port,
                    recipients=tuple(recipients),
                    subject=str(message["Subject"] or ""),
                    message_id=str(message["Message-ID"] or ""),
                )
                self._reply("250 OK")
                with sink.lock:
                    sink.delivered.append(delivered)
            elif verb == b"RSET":
                recipients = []
                self._reply("250 OK")
            elif verb == b"NOOP":
                self._reply("250 OK")
            elif verb == b"QUIT":
                self._reply("221 bye")
                return
            else:
                self._reply("502 not implemented")

    def _read_data(self) -> bytes | None:
        lines = []
        while True:
            line = self.rfile.readline()
            if not line:
                return None
            if line in (b".\r\n", b".\n"):
                return b"".join(lines)
            lines.append(line[1:] if line.startswith(b"..") else line)

    def _still_connected(self) -> bool:
        sock = self.connection
        sock.setblocking(False)
        try:
            return sock.recv(1, socket.MSG_PEEK) != b""
        except BlockingIOError:
            return True  # open, nothing to read
        except OSError:
            return False
        finally:
            sock.setblocking(True)


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class SmtpSink:
    def __init__(self, ports: int = 2) -> None:
        self.lock = threading.Lock()
        self.delivered: list[Delivered] = []
        self.aborted = 0  # messages whose client died before the 250 (the held one)
        self._armed = False
        self._held = threading.Event()
        self._released = threading.Event()
        self.held_port: int | None = None
        self.held_recipients: tuple[str, ...] = ()
        self._servers = []
        for _ in range(ports):
            server = _Server(("127.0.0.1", 0), _Handler)
            server.sink = self
            self._servers.append(server)
            threading.Thread(target=server.serve_forever, daemon=True).start()

    @property
    def ports(self) -> list[int]:
        return [server.server_address[1] for server in self._servers]

    def hold_next(self) -> None:
        with self.lock:
            self._armed = True
            self._held.clear()
            self._released.clear()

    def wait_held(self, timeout: float) -> int:
        """The port of the held message's connection, once one is held."""
        if not self._held.wait(timeout):
            raise TimeoutError(f"no e-mail arrived within {timeout:g} s to hold")
        return self.held_port

    def release(self) -> None:
        self._released.set()

    def _hold_here(self, port: int, recipients: list[str]) -> bool:
        with self.lock:
            if not self._armed:
                return False
            self._armed = False
            self.held_port = port
            self.held_recipients = tuple(recipients)
        self._held.set()
        self._released.wait(120)
        return True

    def close(self) -> None:
        self.release()
        for server in self._servers:
            server.shutdown()
            server.server_close()
