"""A production-like Rathaus server for benchmarks.

Fresh PostgreSQL database, ``rathaus.settings.production`` (DEBUG off, JSON logs, manifest static
files), ``migrate``, ``collectstatic``, demo data, then the WSGI server (Granian, as in production,
or gunicorn with gthread workers for comparison) bound to 127.0.0.1 on a free port. Everything it
writes lives in ``var/bench/``; the server stops on exit.
"""

from __future__ import annotations

import base64
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

PROJECT_DIR = Path(__file__).resolve().parents[2]
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/rathaus_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/14"
BENCH_HOSTS = "norderstedt.localhost,reinbek.localhost,127.0.0.1,localhost"


EPHEMERAL_RANGE = Path("/proc/sys/net/ipv4/ip_local_port_range")
# Ports this far below the kernel's range for outgoing connections are drawn from.
PORT_SPAN = 10_000


def ephemeral_low() -> int:
    """The lowest port the kernel gives an outgoing connection as its source port."""
    try:
        return int(EPHEMERAL_RANGE.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768  # Linux's default


def free_port() -> int:
    """A loopback port that is free now, for a server started later.

    Drawn below the kernel's range for outgoing connections' source ports: a port from that range
    (what binding to port 0 gives) may be taken by any outgoing connection of the machine before
    the server binds it, which on a busy machine happens ("Address already in use")."""
    high = ephemeral_low() - 1
    low = max(1024, high - PORT_SPAN)
    for _ in range(200):
        port = secrets.randbelow(high - low + 1) + low
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port between {low} and {high}")


def redis_reachable(url: str) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname, parts.port or 6379), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def recreate_database(database_url: str) -> None:
    """Drop and create the benchmark database (never anything but the named one)."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    if not (name.startswith("rathaus_") and "bench" in name) and not name.startswith(
        "rathaus_system_"
    ):
        raise ValueError(
            "the database name must start with 'rathaus_' and name 'bench', or start with "
            "'rathaus_system_' (tests/system)"
        )
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


SERVERS = ("granian", "gunicorn")
RUNTIME_MODES = ("mt", "st")


def _process_tree(pid: int) -> list[int]:
    """``pid`` and all its descendants, whichever of their threads started them (Linux /proc)."""
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").iterdir():
            try:
                pending += [int(child) for child in (task / "children").read_text().split()]
            except OSError:
                continue  # the thread ended meanwhile
    return found


def database_cpu_seconds() -> float | None:
    """User + system CPU time used so far by the machine's PostgreSQL processes (Linux /proc).

    Counts every process named ``postgres`` and its ended children: on this machine that is the
    benchmark's database server, and the figure is only read as a difference over one phase."""
    ticks = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # ended meanwhile
        name, _, rest = stat.partition("(")[2].rpartition(")")
        if name.startswith("postgres"):
            fields = rest.split()
            # utime, stime, and the ended children's cutime, cstime (closed connections' backends)
            ticks += sum(int(value) for value in fields[11:15])
    return ticks / os.sysconf("SC_CLK_TCK")


@dataclass
class BenchServer:
    workers: int = 2
    threads: int = 2
    kind: str = "granian"
    runtime_mode: str = "st"
    database_url: str = DEFAULT_DATABASE_URL
    redis_url: str | None = DEFAULT_REDIS_URL
    var_dir: Path = PROJECT_DIR / "var" / "bench"
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None
    proxy: str | None = None  # "nginx": a reverse proxy on ``port``, the server behind it
    upstream_port: int = field(default_factory=free_port)
    proxy_process: subprocess.Popen | None = None
    # Several identical server processes behind the proxy, each on a port of its own, as on
    # several machines in production (docs/operations.md, "Several web processes and machines").
    instances: int = 1
    more_processes: list[subprocess.Popen] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.instances > 1 and self.proxy is None:
            raise ValueError("several instances need the proxy in front (--proxy nginx)")
        self.more_ports = [free_port() for _ in range(self.instances - 1)]
        if self.redis_url and not redis_reachable(self.redis_url):
            print(f"Redis not reachable at {self.redis_url}: tasks and cache use local stores")
            self.redis_url = None
        self.var_dir.mkdir(parents=True, exist_ok=True)
        self.env = self._environment()

    def _environment(self) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("RATHAUS_", "DJANGO_", "REDIS_", "DATABASE_"))
        }
        env.update(
            DJANGO_SETTINGS_MODULE="rathaus.settings.production",
            PYTHONPATH=str(PROJECT_DIR / "src"),
            SECRET_KEY=secrets.token_urlsafe(50),
            ALLOWED_HOSTS=BENCH_HOSTS,
            DATABASE_URL=self.database_url,
            # A fresh database each run, so throwaway keys are fine.
            RATHAUS_ENCRYPTION_KEYS="bench:" + base64.b64encode(secrets.token_bytes(32)).decode(),
            RATHAUS_HASH_KEY=secrets.token_urlsafe(32),
            RATHAUS_VAR_DIR=str(self.var_dir),
            # No clamd on the bench machine; the benchmarks upload no files.
            RATHAUS_NO_VIRUS_SCANNER="1",
            # Plain HTTP on loopback; in production TLS ends at the proxy in front of the server.
            SECURE_SSL_REDIRECT="0",
        )
        if self.redis_url:
            env["REDIS_URL"] = self.redis_url
        if self.proxy:
            # As in production behind a proxy: the client's address comes from X-Forwarded-For.
            env["RATHAUS_TRUSTED_PROXIES"] = "127.0.0.1"
        return env

    @property
    def server_port(self) -> int:
        """Where the web server itself listens: behind the proxy, or the public port."""
        return self.upstream_port if self.proxy else self.port

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def manage(self, *args: str, quiet: bool = True) -> None:
        command = [sys.executable, str(PROJECT_DIR / "manage.py"), *args]
        result = subprocess.run(
            command, cwd=PROJECT_DIR, env=self.env, capture_output=quiet, text=True, check=False
        )
        if result.returncode != 0:
            details = (result.stderr or "")[-3000:] if quiet else ""
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{details}")

    def prepare(self, *, static: bool = True, translations: bool = True) -> None:
        """A fresh database with the demo data; the static files collected and the message
        catalogues compiled unless the caller has them already (tests/system keeps its static
        files while the sources do not change; ``make test`` compiles the catalogues)."""
        print(f"Creating a fresh database {urlsplit(self.database_url).path.lstrip('/')} ...")
        recreate_database(self.database_url)
        print("migrate, collectstatic, compile_translations, load_demo_data ...")
        self.manage("migrate", "--noinput")
        if static:
            self.manage("collectstatic", "--noinput", "--clear")
        if translations:
            self.manage("compile_translations")
        self.manage("load_demo_data")

    @property
    def description(self) -> str:
        if self.kind == "granian":
            text = (
                f"granian ({self.runtime_mode} runtime), {self.workers} workers x "
                f"{self.threads} blocking threads"
            )
        else:
            text = f"gunicorn, {self.workers} workers x {self.threads} gthread threads"
        if self.instances > 1:
            text = f"{self.instances} instances of {text}"
        return f"{text} behind {self.proxy}" if self.proxy else text

    def command(self, port: int | None = None) -> list[str]:
        """The server's command line, bound to ``port`` (default: ``server_port``)."""
        bind = ["--host", "127.0.0.1", "--port", str(port or self.server_port)]
        if self.kind == "granian":
            return [
                sys.executable,
                "-m",
                "granian",
                "--interface",
                "wsgi",
                "rathaus.wsgi:application",
                *bind,
                "--workers",
                str(self.workers),
                "--blocking-threads",
                str(self.threads),
                "--runtime-mode",
                self.runtime_mode,
                "--backlog",
                "2048",
                "--no-ws",
                "--log-level",
                "warning",
            ]
        if self.kind == "gunicorn":
            return [
                sys.executable,
                "-m",
                "gunicorn",
                "rathaus.wsgi",
                "--bind",
                f"127.0.0.1:{self.server_port}",
                "--worker-class",
                "gthread",
                "--workers",
                str(self.workers),
                "--threads",
                str(self.threads),
                "--log-level",
                "warning",
                "--graceful-timeout",
                "5",
            ]
        raise ValueError(f"unknown server {self.kind!r}; one of {SERVERS}")

    def start(self, *, timeout: float = 60.0) -> None:
        command = self.command()
        log = (self.var_dir / "server.log").open("w")
        self.process = subprocess.Popen(
            command, cwd=PROJECT_DIR, env=self.env, stdout=log, stderr=subprocess.STDOUT
        )
        self.more_processes = [
            subprocess.Popen(
                self.command(port=port),
                cwd=PROJECT_DIR,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            for port in self.more_ports
        ]
        if self.proxy == "nginx":
            from .proxy import nginx_start

            # The documented production site, its access log off as in earlier measurements.
            self.proxy_process = nginx_start(
                directory=self.var_dir / "nginx",
                port=self.port,
                redirect_port=free_port(),
                upstream_ports=[self.upstream_port, *self.more_ports],
                static_dir=self.var_dir / "static",
                access_log=False,
            )
        elif self.proxy:
            raise ValueError(f"unknown proxy {self.proxy!r}; only nginx")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(p.poll() is not None for p in (self.process, *self.more_processes)):
                raise RuntimeError(f"{self.kind} exited; see {self.var_dir / 'server.log'}")
            if self.proxy_process is not None and self.proxy_process.poll() is not None:
                raise RuntimeError(f"nginx exited; see {self.var_dir / 'nginx'}")
            if self.status("/healthz") == 200 and all(
                self.status("/healthz", port=port) == 200 for port in self.more_ports
            ):
                return
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"{self.kind} did not answer /healthz in time")

    def status(
        self,
        path: str,
        host: str = "127.0.0.1",
        cookies: dict[str, str] | None = None,
        port: int | None = None,
    ) -> int | None:
        """The HTTP status of ``path`` on the public port, or on ``port`` (an instance)."""
        headers = {"Host": host}
        if cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
        base = f"http://127.0.0.1:{port}" if port else self.base_url
        request = urllib.request.Request(base + path, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code
        except OSError:
            return None

    def cpu_seconds(self) -> float | None:
        """User + system CPU time used so far by the server's main process and its workers (Linux
        /proc)."""
        if self.process is None:
            return None
        try:
            pids = [
                pid for p in (self.process, *self.more_processes) for pid in _process_tree(p.pid)
            ]
            if self.proxy_process is not None:
                pids += _process_tree(self.proxy_process.pid)
            ticks = 0
            for pid in pids:
                # Fields after the command name; utime and stime are fields 14 and 15.
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                ticks += int(fields[11]) + int(fields[12])
            return ticks / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError):
            return None

    def stop(self) -> None:
        for process in (self.proxy_process, self.process, *self.more_processes):
            if process is None or process.poll() is not None:
                continue
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)

    def __enter__(self) -> BenchServer:
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()


class PhaseCpu:
    """CPU per request of one phase of a scenario: the server's (and its proxy's), PostgreSQL's
    and the load generator's, all on the same cores. Made when the phase starts; ``record``
    writes ``<name>_cpu_ms_per_<per>`` into the phase's row, counting ``row[count_field]``."""

    def __init__(self, server: BenchServer):
        self.server = server
        self.before = (server.cpu_seconds(), database_cpu_seconds(), time.process_time())

    def record(self, row: dict, *, count_field: str, per: str = "request") -> None:
        after = (self.server.cpu_seconds(), database_cpu_seconds(), time.process_time())
        count = row.get(count_field)
        names = ("server", "database", "client")
        for name, start, end in zip(names, self.before, after, strict=True):
            if start is not None and end is not None and count:
                row[f"{name}_cpu_ms_per_{per}"] = round((end - start) * 1000 / count, 2)
