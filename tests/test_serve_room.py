"""`mvae serve --host 0.0.0.0` for a room: the server says the URL that phones and laptops on the network open, not
only 127.0.0.1 (which on a phone is the phone). Tests bind 127.0.0.1 only; the addresses are looked up, never
reached."""

from __future__ import annotations

import ipaddress

import pytest

from mvae_core.serve.server import network_urls, other_devices_line


@pytest.mark.parametrize("host", ["0.0.0.0", "::"])
def test_every_network_gives_this_machines_own_network_addresses(host):
    urls = network_urls(host, 8123)
    for url in urls:
        address = url.removeprefix("http://").removesuffix(":8123/")
        assert url == f"http://{address}:8123/" and not ipaddress.ip_address(address).is_loopback
    line = other_devices_line(host, 8123, urls)
    assert line is not None and "on other devices" in line
    assert all(url in line for url in urls) if urls else "http://ADDRESS:8123/" in line


def test_a_machine_without_a_network_address_is_told_where_to_find_it():
    line = other_devices_line("0.0.0.0", 8000, [])
    assert line == (
        "on other devices: http://ADDRESS:8000/, ADDRESS being this machine's in its network settings (none was "
        "found here)"
    )


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "192.168.1.20"])
def test_one_address_has_no_other_url(host):
    assert network_urls(host, 8000) == [] and other_devices_line(host, 8000, []) is None
