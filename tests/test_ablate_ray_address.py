"""`mvae ablate --executor ray --address`: a value that is no address of a Ray cluster (a bare host, a port out of
range, the dashboard's URL, a Ray Client address without its port) exits 2 at once with the form to give, and
`auto` where no cluster runs says how to go on, instead of Ray's own wording (`Invalid address format`, a lookup of
`http` as a host name, a suggestion to `ray start --head --port 99999`)."""

from __future__ import annotations

import time

import pytest
from typer.testing import CliRunner

from mvae_core.cli import app

pytest.importorskip("ray", reason="Ray is not installed: pip install 'mvae[ray]' (make test installs it)")


def _ablate(data, out, address: str):
    started = time.monotonic()
    result = CliRunner().invoke(
        app, ["ablate", str(data), "--executor", "ray", "--address", address, "--out", str(out)]
    )
    return result, " ".join(result.output.split()), time.monotonic() - started


@pytest.mark.parametrize(
    ("address", "example"),
    [
        ("127.0.0.1", "127.0.0.1:6379"),
        ("127.0.0.1:99999", "127.0.0.1:6379"),
        ("127.0.0.1:0", "127.0.0.1:6379"),
        ("http://127.0.0.1:8265", "127.0.0.1:6379"),
        ("ray://127.0.0.1", "ray://127.0.0.1:10001"),
    ],
)
def test_an_address_of_the_wrong_form_names_the_form_to_give(synth_dir, tmp_path, address, example):
    result, said, seconds = _ablate(synth_dir, tmp_path / "abl", address)
    assert result.exit_code == 2 and seconds < 30, said
    assert f"--address {address}: not an address of a Ray cluster; give the head's" in said
    assert example in said and "Traceback" not in said
    assert not (tmp_path / "abl").exists()


def test_auto_without_a_cluster_says_how_to_go_on(synth_dir, tmp_path, monkeypatch):
    """Ray's error where `auto` finds no cluster on this machine (forced: a cluster of another test may be up)."""
    import ray

    def no_cluster(*args, **kwargs):
        raise ConnectionError("Could not find any running Ray instance. Please specify the one to connect to by ...")

    monkeypatch.setattr(ray, "init", no_cluster)
    result, said, _ = _ablate(synth_dir, tmp_path / "abl", "auto")
    assert result.exit_code == 2, said
    assert "--address auto: no Ray cluster runs on this machine" in said
    assert "give the head's HOST:PORT, or none for a local Ray instance" in said
    assert not (tmp_path / "abl").exists()
