"""nginx in front of the benchmark's web server, as the reverse proxy of a production installation.

A browser keeps one connection; Granian's workers share one listening socket, and whichever wakes
first accepts. With a few long-lived connections (eight clerks) one worker can end up with most of
them while the other idles. In production a reverse proxy stands in front (``docs/operations.md``)
and sends each request over one of its idle upstream keep-alive connections, so requests follow
the workers' pace. ``bench/run.py --proxy nginx`` measures that set-up: nginx (one worker, access
log off) on the public port, the web server behind it on a port of its own. Needs the ``nginx``
binary (Debian: ``apt-get install nginx-light``); the benchmark says so if it is missing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

NGINX_CONF = """\
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
{user}
events {{ worker_connections 8192; }}
http {{
  access_log off;
  client_body_temp_path {dir}/tmp/body;
  proxy_temp_path {dir}/tmp/proxy;
  fastcgi_temp_path {dir}/tmp/fastcgi;
  uwsgi_temp_path {dir}/tmp/uwsgi;
  scgi_temp_path {dir}/tmp/scgi;
  upstream rathaus {{
    server 127.0.0.1:{upstream_port};
    keepalive 64;
  }}
  server {{
    listen 127.0.0.1:{port} backlog=4096;
    location / {{
      proxy_pass http://rathaus;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
    }}
  }}
}}
"""


def nginx_binary() -> str:
    found = shutil.which("nginx") or next(
        (path for path in ("/usr/sbin/nginx",) if Path(path).exists()), None
    )
    if found is None:
        raise SystemExit("--proxy nginx needs nginx (Debian: apt-get install nginx-light)")
    return found


def nginx_config(*, directory: Path, port: int, upstream_port: int, as_root: bool) -> str:
    return NGINX_CONF.format(
        dir=directory,
        port=port,
        upstream_port=upstream_port,
        # Started by root, nginx's worker would run as "nobody" and could not use the temp paths.
        user="user root;" if as_root else "",
    )


def nginx_start(*, directory: Path, port: int, upstream_port: int) -> subprocess.Popen:
    (directory / "tmp").mkdir(parents=True, exist_ok=True)
    config = directory / "nginx.conf"
    config.write_text(
        nginx_config(
            directory=directory,
            port=port,
            upstream_port=upstream_port,
            as_root=os.geteuid() == 0,
        )
    )
    return subprocess.Popen(
        [nginx_binary(), "-p", str(directory), "-c", str(config), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=(directory / "stderr.log").open("w"),
    )
