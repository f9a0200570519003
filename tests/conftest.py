"""Shared fixtures: an isolated parse cache, synthetic data sets, the dev data path (or a clear skip)."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import torch

from tests.synth import melody_folder, pattern_folder

DEV_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "dev"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
DRIVER_TRIES = 3
needs_browser = pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER),
    reason="no headless browser here: apt install chromium chromium-driver (CI's .ci/run installs them)",
)
"""Mark for tests that drive headless Chromium (``shared_browser``, or one of their own from ``_chromium()``)."""


def pytest_sessionstart(session: pytest.Session) -> None:
    # Test models are tiny: one thread is faster and keeps parallel test runs from oversubscribing the cores.
    torch.set_num_threads(1)
    _signals_as_in_a_terminal()


def _signals_as_in_a_terminal() -> None:
    """Ctrl-C, hang-up and quit handled as in a terminal, however the suite was started: a background job ignores
    SIGINT and SIGQUIT and ``nohup`` SIGHUP, and the processes the tests start (and pytest-xdist's workers) would
    inherit that, so the tests that send those signals would see them ignored. The tests of an ignored signal ignore
    it themselves."""
    for signum, handler in ((signal.SIGINT, signal.default_int_handler),
                            (getattr(signal, "SIGHUP", None), signal.SIG_DFL),
                            (getattr(signal, "SIGQUIT", None), signal.SIG_DFL)):  # fmt: skip
        if signum is not None and signal.getsignal(signum) is signal.SIG_IGN:
            signal.signal(signum, handler)


@pytest.fixture(autouse=True, scope="session")
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Tests never read or write the user's ~/.cache/mvae (session-scoped, so module fixtures are covered too)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MVAE_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "mvae-cache"))
        yield


@pytest.fixture(scope="session")
def synth_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """6 files × 4 loops of 12-note melodies with human-like offsets (std 0.3 half-steps)."""
    return melody_folder(tmp_path_factory.mktemp("synth"), n_files=6, n_loops=4, seed=0)


@pytest.fixture(scope="session")
def pattern_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """8 files × 6 loops, each loop one of 4 fixed melodies: structure a VAE can learn."""
    return pattern_folder(tmp_path_factory.mktemp("patterns"))


@pytest.fixture
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    """The command line's consoles 500 columns wide, so tests match whole lines (no wrapping)."""
    from mvae_core import cli_output

    for console in (cli_output.out, cli_output.err):
        monkeypatch.setattr(console, "width", 500)


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Labels of the units the loader parses, in order: only those parsed in the test's own process (a data set below
    ``load.PARALLEL_MIN_UNITS`` units), which is how the cache tests count what a read parsed again."""
    from mvae_core.data import load

    seen: list[str] = []
    original = load.parse_unit

    def counting(unit: Any, data: Any, cfg: Any) -> Any:
        seen.append(unit.label)
        return original(unit, data, cfg)

    monkeypatch.setattr(load, "parse_unit", counting)
    return seen


@pytest.fixture
def device_tables_built(monkeypatch: pytest.MonkeyPatch) -> list[torch.device]:
    """The devices of every ``DeviceLoops`` the batch code builds during the test, in order."""
    from mvae_core.data import batches

    built: list[torch.device] = []
    real = batches.DeviceLoops

    def spy(data, device: torch.device):
        built.append(device)
        return real(data, device)

    monkeypatch.setattr(batches, "DeviceLoops", spy)
    return built


@contextlib.contextmanager
def _chromium() -> Iterator[Any]:
    """A new headless Chromium driven by selenium, quit on leaving. Selenium picks chromedriver's port by binding
    port 0 and closing the socket; where another program takes the port meanwhile, chromedriver exits at once
    ("Address already in use") and a fresh one is started on another port, :data:`DRIVER_TRIES` tries in all.
    Chromium's temporary files (its profile, and the singleton socket folder it leaves behind even on a clean quit)
    go to a folder of its own (``TMPDIR``), removed after it quits, so the tests leave nothing in /tmp."""
    from selenium import webdriver
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1400,1000",
        "--autoplay-policy=no-user-gesture-required",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    with tempfile.TemporaryDirectory(prefix="mvae-chromium-", ignore_cleanup_errors=True) as scratch:
        env = {**os.environ, "TMPDIR": scratch}
        for attempt in range(1, DRIVER_TRIES + 1):
            said = tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace")  # noqa: SIM115 (chromedriver writes on)
            try:
                driver = webdriver.Chrome(service=Service(CHROMEDRIVER, log_output=said, env=env), options=options)
                break
            except WebDriverException:
                said.seek(0)
                if attempt == DRIVER_TRIES or "Address already in use" not in said.read():
                    raise
                said.close()
        driver.set_page_load_timeout(60)
        try:
            yield driver
        finally:
            driver.quit()


class _SharedChromium:
    """One headless Chromium for the session's page-driving tests, started on first use; one that stopped answering
    (crashed) is quit and replaced, so a crash fails one test, not every later one."""

    def __init__(self) -> None:
        self._running: contextlib.ExitStack | None = None
        self._driver: Any = None

    def blank(self) -> Any:
        """The driver, on a blank page."""
        if self._driver is not None:
            try:
                self._driver.get("about:blank")
                return self._driver
            except _STOPPED_ANSWERING:
                self.quit()
        self._running = contextlib.ExitStack()
        self._driver = self._running.enter_context(_chromium())
        self._driver.get("about:blank")
        return self._driver

    def quit(self) -> None:
        if self._running is not None:
            with contextlib.suppress(*_STOPPED_ANSWERING):  # a driver that crashed may fail to quit, too
                self._running.close()
        self._running, self._driver = None, None


def _stopped_answering() -> tuple[type[Exception], ...]:
    """What a call to a crashed Chromium raises: a WebDriver error (the browser died), or a refused connection
    (chromedriver died). Empty where selenium is not installed (no test then drives a browser)."""
    try:
        from selenium.common.exceptions import WebDriverException
        from urllib3.exceptions import HTTPError
    except ImportError:
        return ()
    return (WebDriverException, HTTPError)


_STOPPED_ANSWERING = _stopped_answering()


@pytest.fixture(scope="session")
def _session_chromium() -> Iterator[_SharedChromium]:
    """The session's one headless Chromium (quit at the end of the session)."""
    chromium = _SharedChromium()
    yield chromium
    chromium.quit()


@pytest.fixture
def shared_browser(_session_chromium: _SharedChromium) -> Iterator[Any]:
    """The session's one headless Chromium as a fresh one starts (a blank page, an empty console log, no cached
    responses or cookies), without the ~1 s start per test and per module; for tests that only drive pages, and that
    set back any browser setting they change (window size, emulation, scripts added to new documents). After the
    test it is left on a blank page: a page left open would run on (polling a stopped server, playing a walk) through
    every later test, taking CPU from them."""
    driver = _session_chromium.blank()
    driver.get_log("browser")  # reading the log empties it
    driver.execute_cdp_cmd("Network.clearBrowserCache", {})
    driver.execute_cdp_cmd("Network.clearBrowserCookies", {})
    yield driver
    _session_chromium.blank()


@pytest.fixture(scope="module")
def page_server(tiny_run: Path) -> Iterator[Any]:
    """``mvae serve`` of the session's tiny run on 127.0.0.1 and a free port, for one test module's pages (stopped
    after it)."""
    from mvae_core.serve.server import LiveServer

    with LiveServer(tiny_run, port=0) as live:
        yield live


@pytest.fixture(scope="session")
def dev_data() -> Path:
    if not DEV_DATA.is_dir():
        pytest.skip(f"real MIDI not available: {DEV_DATA} is absent (it ships beside the repo, not in it)")
    return DEV_DATA


@pytest.fixture(scope="session")
def tiny_run(synth_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A trained run of the tiny default model (3 epochs on ``synth_dir``), for tests that only read a run."""
    import mvae_core
    from tests.training import TINY

    out = tmp_path_factory.mktemp("tiny-run") / "run"
    mvae_core.train([synth_dir], out, overrides=TINY, epochs=3, progress=False)
    return out


@pytest.fixture(scope="session")
def tiny_export(tiny_run: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``mvae export TINY_RUN --onnx …/decoder.onnx`` (its sidecar decoder.json beside it), for tests that only read
    the export."""
    from typer.testing import CliRunner

    from mvae_core.cli import app

    onnx_file = tmp_path_factory.mktemp("tiny-export") / "decoder.onnx"
    result = CliRunner().invoke(app, ["export", str(tiny_run), "--onnx", str(onnx_file)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return onnx_file


@pytest.fixture(scope="session")
def tiny_ablation(synth_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str], Any]:
    """``mvae ablate`` of kl_anneal left out: configurations ``all`` and ``none`` × seeds 0, 1 × 2 epochs of the tiny
    model on ``synth_dir``, two workers; its folder, its arguments (without the ``--set``s of
    :data:`tests.training.TINY` and ``--out``) and the CLI result. For tests that only read the folder or re-run these
    arguments over it; a test that changes the folder copies it first."""
    from typer.testing import CliRunner

    from mvae_core.cli import app
    from tests.training import TINY

    out = tmp_path_factory.mktemp("ablate") / "abl"
    args = ["ablate", synth_dir, "--plugins", "kl_anneal", "--seeds", 2, "--epochs", 2, "--jobs", 2, "--samples", 32]
    tiny = [arg for override in TINY for arg in ("--set", override)]
    result = CliRunner().invoke(app, [str(a) for a in [*args, *tiny, "--out", out]], catch_exceptions=False)
    return out, args, result
