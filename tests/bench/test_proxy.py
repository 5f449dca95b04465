"""The reverse proxy of the benchmarks and the system test (bench/lib/proxy.py): the documented
production site (deploy/nginx-rathaus.conf), rendered for loopback."""

from pathlib import Path

import pytest
from bench.lib.proxy import DEPLOY_CONF, nginx_config, site_render


def _site(**overrides) -> str:
    arguments = {
        "port": 8080,
        "redirect_port": 8081,
        "upstream_ports": [9090, 9091, 9092],
        "log_dir": Path("/x"),
        "static_dir": Path("/srv/var/static"),
    }
    return site_render(**{**arguments, **overrides})


def test_the_site_is_the_documented_one_on_loopback_ports():
    site = _site()
    assert "listen 127.0.0.1:8080 backlog=4096;" in site
    assert "listen 127.0.0.1:8081;" in site
    for port in (9090, 9091, 9092):
        assert f"server 127.0.0.1:{port} max_fails=1 fail_timeout=10s;" in site
    assert "8000" not in site
    assert "ssl" not in site
    assert "http2" not in site
    assert "[::]" not in site
    assert "access_log /x/access.log rathaus;" in site
    assert "alias /srv/var/static/;" in site
    # What is tested is production's text: keep-alive upstream, forwarded headers, request id.
    for line in (
        "keepalive 64;",
        "proxy_http_version 1.1;",
        'proxy_set_header Connection "";',
        "proxy_set_header Host $host;",
        "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
        "proxy_set_header X-Request-ID $request_id;",
        "client_max_body_size 12m;",
        "return 301 https://$host$request_uri;",
        'add_header Cache-Control "public, immutable";',
        "proxy_next_upstream error timeout http_502 http_503;",
        "proxy_next_upstream_tries 3;",
    ):
        assert line in site
        assert line in DEPLOY_CONF.read_text()


def test_a_dead_instance_is_passed_over_but_a_sent_post_is_never_repeated():
    # One failure marks an instance down; idempotent requests go on to the next instance, and
    # a POST only when it could not be sent (nginx's default without "non_idempotent").
    conf = DEPLOY_CONF.read_text()
    assert "max_fails=1" in conf
    directives = [line.split("#")[0] for line in conf.splitlines()]
    assert not any("non_idempotent" in line for line in directives)


def test_the_benchmark_can_turn_the_access_log_off():
    assert "access_log off;" in _site(access_log=False)
    assert "access.log" not in _site(access_log=False)


def test_a_changed_conf_fails_instead_of_being_tested_in_part():
    changed = DEPLOY_CONF.read_text().replace("listen 443 ssl;", "listen 8443 ssl;")
    with pytest.raises(ValueError, match="listen 443 ssl"):
        _site(conf=changed)


def test_the_main_conf_keeps_everything_in_its_folder():
    config = nginx_config(directory=Path("/x"), as_root=False)
    assert "include /x/rathaus.conf;" in config
    assert "pid /x/nginx.pid;" in config
    assert "/x/tmp/proxy" in config
    assert "user root;" not in config


def test_started_as_root_the_worker_keeps_access_to_the_temp_paths():
    assert "user root;" in nginx_config(directory=Path("/x"), as_root=True)
