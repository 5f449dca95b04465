"""Private PostgreSQL clusters for tests that stop, restart or fail a server: a primary and a
streaming-replication standby (``ClusterPair``), or one server alone (``private_cluster``), in a
temporary directory, on free loopback ports, with the distribution's server binaries
(``/usr/lib/postgresql/<version>/bin``). The machine's shared PostgreSQL is never touched.

PostgreSQL refuses to run as root; when the tests run as root the tools run as the ``postgres``
system user (``runuser``) and the directory belongs to it.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import psycopg
from bench.lib.server import free_port

TOOLS = ("initdb", "pg_ctl", "pg_basebackup", "postgres")
BIN_ROOT = Path("/usr/lib/postgresql")
TOOL_TIMEOUT = 30  # seconds for one initdb, base backup, start, stop or promotion
STANDBY_NAME = "rathaus_standby"

# Shared by both clusters of a pair (pg_basebackup copies postgresql.conf): each can be primary or
# standby. Small memory, few connections. fsync stays on: nothing here trades durability for
# speed, so what the test shows about the standby holding an acknowledged commit is not weakened.
SETTINGS = """
listen_addresses = '127.0.0.1'
wal_level = replica
max_wal_senders = 4
hot_standby = on
synchronous_commit = on
shared_buffers = 16MB
max_connections = 40
wal_keep_size = 64MB
wal_log_hints = on
max_wal_size = 256MB
log_min_messages = warning
logging_collector = off
"""
# A pair's primary waits for its standby before it acknowledges a commit.
SYNCHRONOUS = f"""
synchronous_standby_names = 'FIRST 1 ({STANDBY_NAME})'
"""
HBA = """
local   all             all                         trust
host    all             all         127.0.0.1/32    trust
host    replication     all         127.0.0.1/32    trust
"""


class PostgresMissing(RuntimeError):
    """The server binaries this test needs are not installed."""


def bin_dir() -> Path:
    """The newest installed major version that has every tool."""
    candidates = sorted(
        (path for path in BIN_ROOT.glob("*/bin") if path.parent.name.isdigit()),
        key=lambda path: int(path.parent.name),
        reverse=True,
    )
    for candidate in candidates:
        if all((candidate / tool).is_file() for tool in TOOLS):
            return candidate
    raise PostgresMissing(
        f"PostgreSQL server binaries ({', '.join(TOOLS)}) not found under "
        f"{BIN_ROOT}/<version>/bin; install the server package (e.g. postgresql-15)."
    )


def _as_postgres() -> list[str]:
    """Prefix that runs a command as the postgres system user when we are root."""
    if os.geteuid() != 0:
        return []
    try:
        pwd.getpwnam("postgres")
    except KeyError as exc:
        raise PostgresMissing("running as root, but there is no 'postgres' system user") from exc
    return ["runuser", "-u", "postgres", "--"]


class ToolFailed(RuntimeError):
    pass


@dataclass
class Cluster:
    name: str
    root: Path
    bins: Path
    port: int

    @property
    def data_dir(self) -> Path:
        return self.root / self.name

    @property
    def log_file(self) -> Path:
        return self.root / f"{self.name}.log"

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def tool(self, name: str, *args: str, timeout: float = TOOL_TIMEOUT) -> str:
        command = [*_as_postgres(), str(self.bins / name), *args]
        try:
            result = subprocess.run(
                command, capture_output=True, text=True, timeout=timeout, check=False
            )
        except subprocess.TimeoutExpired as exc:
            raise ToolFailed(f"{name} did not finish within {timeout} s") from exc
        if result.returncode != 0:
            raise ToolFailed(
                f"{name} {' '.join(args)} failed ({result.returncode}):\n"
                f"{result.stdout[-2000:]}\n{result.stderr[-2000:]}\n{self.log_tail()}"
            )
        return result.stdout

    def log_tail(self) -> str:
        try:
            return f"--- {self.log_file} ---\n" + self.log_file.read_text()[-3000:]
        except OSError:
            return ""

    def init_primary(self, *, synchronous: bool = False) -> None:
        """A new cluster; ``synchronous``: its commits wait for the pair's standby."""
        self.tool(
            "initdb",
            "-D",
            str(self.data_dir),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            "--no-sync",  # a throwaway cluster; the server's own fsync stays on
        )
        with (self.data_dir / "postgresql.conf").open("a") as conf:
            conf.write(SETTINGS + (SYNCHRONOUS if synchronous else ""))
        (self.data_dir / "pg_hba.conf").write_text(HBA)

    def init_standby_of(self, primary: Cluster) -> None:
        """A base backup with ``-R``: ``standby.signal`` and a ``primary_conninfo`` whose
        ``application_name`` is the name the primary waits for."""
        conninfo = (
            f"host=127.0.0.1 port={primary.port} user=postgres application_name={STANDBY_NAME}"
        )
        self.tool(
            "pg_basebackup",
            "--dbname",
            conninfo,
            "-D",
            str(self.data_dir),
            "--write-recovery-conf",
            "--wal-method=stream",
            "--checkpoint=fast",
            "--no-sync",
        )
        auto_conf = (self.data_dir / "postgresql.auto.conf").read_text()
        if f"application_name={STANDBY_NAME}" not in auto_conf:
            raise ToolFailed(f"primary_conninfo lacks application_name: {auto_conf}")

    def _serve(self, action: str, *options: str) -> None:
        """``pg_ctl start`` or ``restart`` on this cluster's port and socket directory; returns
        once the server accepts connections."""
        self.tool(
            "pg_ctl",
            action,
            "-D",
            str(self.data_dir),
            *options,
            "-l",
            str(self.log_file),
            "-w",
            "-t",
            str(TOOL_TIMEOUT),
            "-o",
            f"-p {self.port} -k {self.root}",
        )

    def start(self) -> None:
        self._serve("start")

    def restart(self) -> None:
        """Every connection ends; returns once the server accepts them again."""
        self._serve("restart", "-m", "fast")

    def stop(self, mode: str = "fast") -> None:
        self.tool(
            "pg_ctl", "stop", "-D", str(self.data_dir), "-m", mode, "-w", "-t", str(TOOL_TIMEOUT)
        )

    def promote(self) -> None:
        """``pg_ctl promote -w``: returns once the server accepts writes."""
        self.tool("pg_ctl", "promote", "-D", str(self.data_dir), "-w", "-t", str(TOOL_TIMEOUT))

    def running(self) -> bool:
        return (self.data_dir / "postmaster.pid").exists()

    def halt(self) -> None:
        """Stop immediately, whatever state the server is in; if ``pg_ctl`` cannot, end the
        postmaster this cluster started (its pid from ``postmaster.pid``)."""
        if not self.running():
            return
        with contextlib.suppress(ToolFailed):
            self.stop("immediate")
        with contextlib.suppress(OSError, ValueError, IndexError):
            pid = int((self.data_dir / "postmaster.pid").read_text().split()[0])
            os.kill(pid, signal.SIGKILL)

    def sql(self, query: str, *, database: str = "postgres", autocommit: bool = True) -> list:
        with psycopg.connect(self.url(database), autocommit=autocommit, connect_timeout=5) as conn:
            cursor = conn.execute(query)
            return cursor.fetchall() if cursor.description else []


def _private_root(prefix: str) -> Path:
    root = Path(tempfile.mkdtemp(prefix=prefix))
    if os.geteuid() == 0:
        shutil.chown(root, user="postgres", group="postgres")
    return root


@contextlib.contextmanager
def private_cluster():
    """One running server of its own; stopped (immediately) and removed afterwards, whatever
    state it is in."""
    bins = bin_dir()
    root = _private_root("rathaus-postgres-")
    cluster = Cluster("server", root, bins, free_port())
    try:
        cluster.init_primary()
        cluster.start()
        yield cluster
    finally:
        cluster.halt()
        shutil.rmtree(root, ignore_errors=True)


class ClusterPair:
    """A primary and its synchronous standby in one temporary directory; ``close`` stops both
    (immediately) and removes the directory, whatever state they are in."""

    def __init__(self) -> None:
        self.bins = bin_dir()
        self.root = _private_root("rathaus-failover-")
        self.primary = Cluster("primary", self.root, self.bins, free_port())
        self.standby = Cluster("standby", self.root, self.bins, free_port())

    def start(self) -> None:
        self.primary.init_primary(synchronous=True)
        self.primary.start()
        self.standby.init_standby_of(self.primary)
        self.standby.start()

    def close(self) -> None:
        for cluster in (self.primary, self.standby):
            cluster.halt()
        shutil.rmtree(self.root, ignore_errors=True)
