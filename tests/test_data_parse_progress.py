"""A first parse of thousands of files takes minutes: the loader tells a caller of each file parsed, and
``mvae data inspect`` shows a progress bar of them on a terminal (none from the cache, none in a log)."""

from __future__ import annotations

import io

from rich.console import Console

from mvae_core.config import DataConfig
from mvae_core.data.load import load_dataset
from mvae_core.report import parse_progress
from tests.synth import melody_folder


def test_each_file_parsed_now_is_reported_and_none_from_the_cache(tmp_path):
    data = melody_folder(tmp_path / "midi", n_files=3, n_loops=1)
    cfg = DataConfig(cache_dir=tmp_path / "cache")
    calls: list[tuple[int, int]] = []
    load_dataset([str(data)], cfg, jobs=1, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(1, 3), (2, 3), (3, 3)]
    (data / "melody_00.mid").unlink()  # another set: read from the unit entries, nothing parsed
    load_dataset([str(data)], cfg, jobs=1, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(1, 3), (2, 3), (3, 3)]


def test_the_bar_is_drawn_on_a_terminal_only():
    terminal = Console(file=io.StringIO(), force_terminal=True, width=100)
    with parse_progress(terminal) as progress:
        assert progress is not None
        progress(1, 4)
    assert "parsing MIDI files" in terminal.file.getvalue() and "1/4" in terminal.file.getvalue()
    with parse_progress(Console(file=io.StringIO(), force_terminal=False)) as progress:
        assert progress is None


def test_mvae_train_shows_the_bar_of_its_first_parse_on_a_terminal(tmp_path):
    """`mvae train` on a large collection said nothing while it parsed (41 s for 4,885 files); its reporter now
    shows data inspect's bar, on the warnings console (stderr on the command line)."""
    import mvae_core
    from mvae_core.progress import ConsoleReporter
    from tests.training import TINY

    data = melody_folder(tmp_path / "midi", n_files=3, n_loops=4)
    terminal = Console(file=io.StringIO(), force_terminal=True, width=100)
    reporter = ConsoleReporter(Console(file=io.StringIO()), warnings=terminal)
    overrides = [*TINY, f"data.cache_dir={str(tmp_path / 'cache')!r}"]
    mvae_core.train([data], tmp_path / "run", overrides=overrides, plugins=[], epochs=1, jobs=1, progress=reporter)
    assert "parsing MIDI files" in terminal.file.getvalue() and "3/3" in terminal.file.getvalue()
