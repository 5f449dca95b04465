"""Ports for the benchmark's and the system tests' servers are drawn where no outgoing connection
can take them before the server binds them."""

import socket

from bench.lib.server import ephemeral_low, free_port


def test_a_free_port_lies_below_the_range_of_outgoing_source_ports_and_can_be_bound():
    ports = {free_port() for _ in range(20)}
    assert all(1024 <= port < ephemeral_low() for port in ports)
    assert len(ports) > 1  # drawn, not one fixed port
    for port in ports:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", port))


def test_a_port_in_use_is_not_offered():
    with socket.socket() as held:
        held.bind(("127.0.0.1", free_port()))
        held.listen()
        taken = held.getsockname()[1]
        assert all(free_port() != taken for _ in range(200))
