"""`mvae serve --host 0.0.0.0` for a room: the server says the URL that phones and laptops on the network open (and
the address to send OSC to), not only 127.0.0.1 (which on a phone is the phone) and 0.0.0.0 (no address to send to).
Tests bind 127.0.0.1 only; the addresses are looked up, never reached."""

from __future__ import annotations

import ipaddress

import pytest

from mvae_core.serve.server import network_addresses, other_devices_line


@pytest.mark.parametrize("host", ["0.0.0.0", "::"])
def test_every_network_gives_this_machines_own_network_addresses(host):
    addresses = network_addresses(host)
    assert not any(ipaddress.ip_address(address).is_loopback for address in addresses)
    line = other_devices_line(host, 8123, addresses)
    assert line is not None and line.startswith("on other devices")
    for address in addresses or ["ADDRESS"]:
        assert f"http://{address}:8123/" in line


def test_the_line_names_each_address_with_its_osc_port():
    line = other_devices_line("0.0.0.0", 8000, ["192.168.1.23", "10.0.0.5"], osc_port=9000)
    assert line == (
        "on other devices (phones, laptops on this network): http://192.168.1.23:8000/ (OSC: udp 192.168.1.23:9000)"
        " or http://10.0.0.5:8000/ (OSC: udp 10.0.0.5:9000)"
    )


def test_a_machine_without_a_network_address_is_told_where_to_find_it():
    assert other_devices_line("0.0.0.0", 8000, []) == (
        "on other devices: http://ADDRESS:8000/, ADDRESS being this machine's in its network settings (none was found)"
    )


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "192.168.1.20"])
def test_one_address_has_no_other_url(host):
    assert network_addresses(host) == [] and other_devices_line(host, 8000, ["192.168.1.20"]) is None
