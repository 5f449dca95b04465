"""The processes of a small production installation on loopback, for tests/system.

One PostgreSQL database of its own (``rathaus_system_<random>``, dropped at the end), a private
``redis-server`` on a free port (restarting it disturbs no one), three Granian instances with
the production settings, nginx in front of them with the documented site
(``deploy/nginx-rathaus.conf`` via ``bench/lib/proxy.py``) and two Huey consumers, each sending
its e-mail to its own port of the test's SMTP sink. The database is prepared by
``bench/lib/server.py`` (migrate, collectstatic, compile_translations, demo data).
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from bench.lib.proxy import nginx_binary, nginx_start
from bench.lib.server import BenchServer, free_port, redis_reachable
from psycopg import sql

PROJECT_DIR = Path(__file__).resolve().parents[2]
REDIS_SERVER = "/usr/bin/redis-server"
POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/"


def _wait(condition, *, timeout: float, what: str, process: subprocess.Popen | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{what}: the process exited with {process.returncode}")
        if condition():
            return
        time.sleep(0.1)
    raise RuntimeError(f"{what}: not ready within {timeout:g} s")


def _kill_group(process: subprocess.Popen, sig: int = signal.SIGKILL) -> None:
    """Signal a process, with every child it started when it leads a session of its own (nginx
    does not: its master ends its workers itself)."""
    for current in (sig, signal.SIGKILL):
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                if os.getpgid(process.pid) == process.pid:
                    os.killpg(process.pid, current)
                else:
                    process.send_signal(current)
        try:
            process.wait(timeout=20)
            return
        except subprocess.TimeoutExpired:
            continue


def http_status(port: int, path: str = "/healthz", host: str = "127.0.0.1") -> int | None:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Host": host})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return None


def static_fingerprint() -> str:
    """Names, sizes and times of the static files' sources (the apps' and the front-end's),
    and the locked package versions (Django's admin, django-ninja)."""
    digest = hashlib.sha256((PROJECT_DIR / "uv.lock").read_bytes())
    sources = [*(PROJECT_DIR / "src").rglob("static"), PROJECT_DIR / "frontend" / "dist"]
    for folder in sorted(sources):
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                stat = path.stat()
                digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def http_head_status(port: int, path: str, host: str) -> int | None:
    """The status without following a redirect."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", path, headers={"Host": host})
        return connection.getresponse().status
    except OSError:
        return None
    finally:
        connection.close()


class PrivateRedis:
    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.directory = directory
        self.process: subprocess.Popen | None = None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                *(REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--dir", str(self.directory)),
            ],
            stdout=(self.directory / "redis.log").open("a"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        _wait(lambda: redis_reachable(self.url), timeout=20, what="redis", process=self.process)

    def stop(self) -> None:
        """As ``systemctl restart`` stops it: SIGTERM; without persistence, its data is gone."""
        if self.process is not None:
            _kill_group(self.process, signal.SIGTERM)


class Cluster:
    def __init__(self, *, var_dir: Path, environment: dict[str, str], instances: int = 3) -> None:
        self.var_dir = var_dir
        var_dir.mkdir(parents=True, exist_ok=True)
        for path in var_dir.iterdir():  # all but the collected static files (see prepare)
            if path.name != "static":
                shutil.rmtree(path) if path.is_dir() else path.unlink()
        self.database = f"rathaus_system_{secrets.token_hex(4)}"
        self.database_url = POSTGRES_URL + self.database
        self.redis = PrivateRedis(var_dir)
        self.environment = environment
        self.web_ports = [free_port() for _ in range(instances)]
        self.port = free_port()
        self.redirect_port = free_port()
        self.web: dict[int, subprocess.Popen] = {}
        self.workers: list[subprocess.Popen | None] = []
        self.email_ports: list[int] = []
        self.nginx: subprocess.Popen | None = None
        self.server: BenchServer | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def env(self) -> dict[str, str]:
        return self.server.env

    def prepare(self) -> None:
        self.redis.start()
        # One instance's worth of configuration; every process of the cluster shares its
        # environment (the same keys), as the machines of one installation share theirs.
        self.server = BenchServer(
            workers=1,
            threads=2,
            database_url=self.database_url,
            redis_url=self.redis.url,
            var_dir=self.var_dir,
        )
        self.server.env.update(
            RATHAUS_TRUSTED_PROXIES="127.0.0.1",
            EMAIL_HOST="127.0.0.1",
            **self.environment,
        )
        # Collecting (and compressing) the static files takes minutes on a busy machine: they
        # are kept in var/system/static while their sources and the packages stay the same.
        fingerprint = static_fingerprint()
        stamp = self.var_dir / "static" / ".sources"
        collected = stamp.exists() and stamp.read_text() == fingerprint
        self.server.prepare(static=not collected, translations=False)
        stamp.write_text(fingerprint)

    def manage_module(self, module: str, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, "-m", module, *args],
            cwd=PROJECT_DIR,
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"{module} {' '.join(args)} failed:\n{result.stderr[-3000:]}")
        return result.stdout

    # --- web --------------------------------------------------------------------------------
    def web_start(self, port: int) -> None:
        log = (self.var_dir / f"web-{port}.log").open("a")
        self.web[port] = subprocess.Popen(
            self.server.command(port=port),
            cwd=PROJECT_DIR,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def web_wait(self, port: int, timeout: float = 90) -> None:
        _wait(
            lambda: http_status(port) == 200,
            timeout=timeout,
            what=f"web instance on {port}",
            process=self.web[port],
        )

    def web_kill(self, port: int) -> None:
        _kill_group(self.web[port])

    # --- workers ----------------------------------------------------------------------------
    def worker_start(self, index: int) -> None:
        env = {**self.env, "EMAIL_PORT": str(self.email_ports[index])}
        log = (self.var_dir / f"worker-{index}.log").open("a")
        # As deploy/rathaus-worker.service runs it.
        process = subprocess.Popen(
            [sys.executable, "manage.py", "run_huey", "--workers", "2"],
            cwd=PROJECT_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        if index < len(self.workers):
            self.workers[index] = process
        else:
            self.workers.append(process)

    def worker_kill(self, index: int) -> None:
        _kill_group(self.workers[index])

    # --- all --------------------------------------------------------------------------------
    def start(self, email_ports: list[int]) -> None:
        binary = nginx_binary()
        if binary is None:
            raise RuntimeError("nginx is not installed (Debian: apt-get install nginx-light)")
        for port in self.web_ports:
            self.web_start(port)
        self.nginx = nginx_start(
            directory=self.var_dir / "nginx",
            port=self.port,
            redirect_port=self.redirect_port,
            upstream_ports=self.web_ports,
            static_dir=self.var_dir / "static",
        )
        self.email_ports = list(email_ports)
        for index in range(len(email_ports)):
            self.worker_start(index)
        for port in self.web_ports:
            self.web_wait(port)
        _wait(
            lambda: http_status(self.port) == 200,
            timeout=20,
            what="nginx",
            process=self.nginx,
        )

    @staticmethod
    def database_reachable() -> bool:
        try:
            with psycopg.connect(POSTGRES_URL + "postgres", connect_timeout=5):
                return True
        except psycopg.OperationalError:
            return False

    def terminate_database_connections(self) -> int:
        with psycopg.connect(POSTGRES_URL + "postgres", autocommit=True) as conn:
            rows = conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                [self.database],
            ).fetchall()
        return len(rows)

    def queued_emails(self) -> int:
        with psycopg.connect(self.database_url, autocommit=True) as conn:
            return conn.execute("SELECT count(*) FROM notifications_queuedemail").fetchone()[0]

    def stop(self) -> None:
        for process in [self.nginx, *self.web.values(), *self.workers]:
            if process is not None:
                _kill_group(process, signal.SIGTERM)
        self.redis.stop()
        self._drop_database()

    def _drop_database(self) -> None:
        parts = urlsplit(self.database_url)
        admin = urlunsplit(parts._replace(path="/postgres"))
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(self.database)
                )
            )
