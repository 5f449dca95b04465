"""The benchmark's reverse proxy set-up (bench/lib/proxy.py): what nginx is told to do."""

from pathlib import Path

from bench.lib.proxy import nginx_config


def test_the_proxy_forwards_to_the_server_over_kept_connections_with_the_client_address():
    config = nginx_config(directory=Path("/x"), port=8080, upstream_port=9090, as_root=False)
    assert "listen 127.0.0.1:8080" in config
    assert "server 127.0.0.1:9090;" in config
    # Upstream keep-alive (HTTP/1.1 without "Connection: close") is what spreads requests over
    # the server's workers by their pace; the client address travels as X-Forwarded-For.
    assert "keepalive 64;" in config
    assert "proxy_http_version 1.1;" in config
    assert 'proxy_set_header Connection "";' in config
    assert "proxy_set_header Host $host;" in config
    assert "X-Forwarded-For $proxy_add_x_forwarded_for" in config
    assert "user root;" not in config
    assert "/x/tmp/proxy" in config


def test_started_as_root_the_worker_keeps_access_to_the_temp_paths():
    config = nginx_config(directory=Path("/x"), port=1, upstream_port=2, as_root=True)
    assert "user root;" in config
