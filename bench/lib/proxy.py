"""nginx in front of Rathaus on loopback, configured by the documented production conf.

``deploy/nginx-rathaus.conf`` is the site an operator installs. ``site_render`` turns it into a
loopback site by a few substitutions, each of which must match exactly once (a changed conf
fails loudly here instead of being tested in part):

* the upstream's one ``server 127.0.0.1:8000 ...;`` becomes one line per given port, each with
  the same parameters (``max_fails``, ``fail_timeout``);
* the HTTPS server listens on ``127.0.0.1:<port>`` in plain HTTP: its IPv6 listen, ``http2 on``
  and the ``ssl_*`` lines are dropped (the load clients speak HTTP/1.1 without TLS; TLS itself
  is nginx's business, not Rathaus's, and Rathaus is run with ``SECURE_SSL_REDIRECT=0`` as
  behind any proxy that already redirects);
* the port-80 server, which only redirects to HTTPS, listens on ``127.0.0.1:<redirect port>``;
* the access log and the static files' folder point into the given folders.

Everything else — upstream keep-alive, the failover to the next instance, the forwarded headers,
the request id, body size, ``/metrics`` limited to loopback, the static files' caching — is the
production text.

Users: ``bench/run.py --proxy nginx`` (one upstream; why a proxy matters for the measurements:
a browser keeps one connection, Granian's workers share one listening socket and whichever wakes
first accepts, so with a few long-lived connections one worker can end up with most of them;
nginx sends each request over one of its idle upstream keep-alive connections, so requests
follow the workers' pace) and the multi-instance fault test in ``tests/system/`` (three
upstreams). Needs the ``nginx`` binary (Debian: ``apt-get install nginx-light``).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]
DEPLOY_CONF = PROJECT_DIR / "deploy" / "nginx-rathaus.conf"
MIME_TYPES = Path("/etc/nginx/mime.types")

MAIN_CONF = """\
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
{user}
events {{ worker_connections 8192; }}
http {{
  {mime}
  client_body_temp_path {dir}/tmp/body;
  proxy_temp_path {dir}/tmp/proxy;
  fastcgi_temp_path {dir}/tmp/fastcgi;
  uwsgi_temp_path {dir}/tmp/uwsgi;
  scgi_temp_path {dir}/tmp/scgi;
  include {dir}/rathaus.conf;
}}
"""


def nginx_binary() -> str | None:
    """The nginx binary, or None when it is not installed."""
    return shutil.which("nginx") or next(
        (path for path in ("/usr/sbin/nginx",) if Path(path).exists()), None
    )


def _once(text: str, old: str, new: str) -> str:
    if text.count(old) != 1:
        raise ValueError(f"{DEPLOY_CONF.name}: expected {old!r} exactly once")
    return text.replace(old, new)


def _pattern_once(text: str, pattern: str, new: str, count: int = 1) -> str:
    text, found = re.subn(pattern, new, text, flags=re.MULTILINE)
    if found != count:
        raise ValueError(f"{DEPLOY_CONF.name}: expected {pattern!r} {count} time(s), not {found}")
    return text


def site_render(
    *,
    port: int,
    redirect_port: int,
    upstream_ports: list[int],
    log_dir: Path,
    static_dir: Path,
    access_log: bool = True,
    conf: str | None = None,
) -> str:
    """``deploy/nginx-rathaus.conf`` (or ``conf``) for loopback; see the module's docstring."""
    text = DEPLOY_CONF.read_text() if conf is None else conf
    upstream = r"^    server 127\.0\.0\.1:8000(?P<parameters>[^;]*);$"
    found = re.search(upstream, text, flags=re.MULTILINE)
    parameters = found["parameters"] if found else ""
    servers = "\n".join(f"    server 127.0.0.1:{p}{parameters};" for p in upstream_ports)
    text = _pattern_once(text, upstream, servers)
    text = _pattern_once(text, r"^\s*listen \[::\]:\d+.*;\n", "", count=2)
    text = _once(text, "listen 80;", f"listen 127.0.0.1:{redirect_port};")
    # The backlog as the benchmark's storm needs it (the kernel's default of 511 is too few).
    text = _once(text, "listen 443 ssl;", f"listen 127.0.0.1:{port} backlog=4096;")
    text = _pattern_once(text, r"^\s*http2 on;\n", "")
    text = _pattern_once(text, r"^\s*ssl_\w+ .*;\n", "", count=3)
    log = f"access_log {log_dir}/access.log rathaus;" if access_log else "access_log off;"
    text = _once(text, "access_log /var/log/nginx/rathaus.log rathaus;", log)
    return _once(text, "alias /srv/rathaus/var/static/;", f"alias {static_dir}/;")


def nginx_config(*, directory: Path, as_root: bool) -> str:
    """The main conf: one worker, private pid, logs and temp paths, the site included."""
    return MAIN_CONF.format(
        dir=directory,
        # Started by root, nginx's worker would run as "nobody" and could not use the temp paths.
        user="user root;" if as_root else "",
        mime=f"include {MIME_TYPES};" if MIME_TYPES.exists() else "",
    )


def nginx_start(
    *,
    directory: Path,
    port: int,
    redirect_port: int,
    upstream_ports: list[int],
    static_dir: Path,
    access_log: bool = True,
) -> subprocess.Popen:
    binary = nginx_binary()
    if binary is None:
        raise RuntimeError("nginx is not installed (Debian: apt-get install nginx-light)")
    (directory / "tmp").mkdir(parents=True, exist_ok=True)
    (directory / "rathaus.conf").write_text(
        site_render(
            port=port,
            redirect_port=redirect_port,
            upstream_ports=upstream_ports,
            log_dir=directory,
            static_dir=static_dir,
            access_log=access_log,
        )
    )
    config = directory / "nginx.conf"
    config.write_text(nginx_config(directory=directory, as_root=os.geteuid() == 0))
    return subprocess.Popen(
        [binary, "-p", str(directory), "-c", str(config), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=(directory / "stderr.log").open("w"),
    )
