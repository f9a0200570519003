"""`mvae bend RUN RUN2` with a RUN2 named near the file system's 255-byte limit: the folder it is built in took the
whole name plus 17 characters, so a valid name failed with 'File name too long'."""

from __future__ import annotations

from mvae_core.tools.bend import bend_run


def test_a_copy_named_near_the_limit_is_written(tiny_run, tmp_path) -> None:
    dest = tmp_path / ("b" * 250)
    names = bend_run(tiny_run, dest, 0.1, 0, "decoder")
    assert names and (dest / "model.safetensors").is_file() and not list(tmp_path.glob(".*bending"))
