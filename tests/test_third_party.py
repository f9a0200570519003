"""Third-party plugins for real: pip installs the example packages (examples/mvae-free-bits, examples/mvae-tensorboard),
a package with per-step hooks and a ``wrapper=True`` hook, and two broken packages into a folder on PYTHONPATH; then
the ``mvae`` command line discovers them through the ``mvae.plugins`` entry points, lists them, trains with them, and
names the broken ones with their package. Training and ``--json`` listing run in a subprocess, as a user runs them;
the error cases run the same CLI in-process (faster), with the folder on ``sys.path``.

The install is offline: ``pip install --no-deps --no-build-isolation --no-index`` builds with the setuptools of this
environment (a dev dependency) and installs nothing else.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
import textwrap
import tomllib
import types
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict, Field
from typer.testing import CliRunner

from mvae_core import hookimpl
from mvae_core.cli import app
from mvae_core.config import PluginsConfig
from mvae_core.plugin_catalog import describe
from mvae_core.plugins import PluginInfo, available_plugins, resolve_enabled, validated_sections
from tests.package_install import skip_if_installed

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "mvae-free-bits"
EXAMPLE_VERSION = tomllib.loads((EXAMPLE / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
EXAMPLES = {"mvae-free-bits": EXAMPLE, "mvae-tensorboard": ROOT / "examples" / "mvae-tensorboard"}
TINY = ["--set", "model.hidden=32", "--set", "train.batch_size=16", "--set", "data.transpositions=[-5, 5]"]

IGNORED = shutil.ignore_patterns(".*", "__pycache__", "build", "*.egg-info")  # not copied from the example
MODULES = ("mvae_free_bits", "mvae_tensorboard", "mvae_step_probe", "mvae_broken_import", "mvae_bad_hook")
PROBE = (  # (entry-point name, module source) of a package with per-step hooks and a wrapper=True hook
    "step_probe",
    """
    from mvae_core import hookimpl

    class Plugin:
        '''Per-step hooks and a wrapper=True hook, from an installed package (a test of the contract).'''

        def __init__(self):  # no config argument: constructed without one
            self.steps = 0
            self.wrapped = 0

        @hookimpl
        def mvae_step_start(self, trainer, epoch, step):
            return {"kl": 0.5}

        @hookimpl
        def mvae_step_end(self, losses):
            self.steps += 1

        @hookimpl(wrapper=True)
        def mvae_epoch_end(self, trainer):
            reasons = yield  # every plugin's mvae_epoch_end runs here
            self.wrapped += 1
            trainer.record("steps", self.steps)
            trainer.record("wrapped_epoch_ends", self.wrapped)
            return reasons

        @hookimpl
        def mvae_state_dict(self):
            return {"steps": self.steps, "wrapped": self.wrapped}

        @hookimpl
        def mvae_load_state_dict(self, state):
            self.steps, self.wrapped = state["steps"], state["wrapped"]
    """,
)
BROKEN = {  # distribution: (entry-point name, module source)
    "mvae-broken-import": (
        "broken_import",
        """
        import numpy_is_missing  # not installed: importing this plugin fails

        class Plugin:
            pass
        """,
    ),
    "mvae-bad-hook": (
        "bad_hook",
        """
        from mvae_core import hookimpl

        class Plugin:
            '''Asks for a hook argument that does not exist.'''

            def __init__(self, config):
                self.config = config

            @hookimpl
            def mvae_epoch_end(self, epoch, metrix):
                return None
        """,
    ),
}


def _write_package(folder: Path, dist: str, entry_name: str, source: str) -> Path:
    module = dist.replace("-", "_")
    folder.mkdir(parents=True)
    (folder / f"{module}.py").write_text(textwrap.dedent(source).lstrip(), encoding="utf-8")
    (folder / "pyproject.toml").write_text(
        textwrap.dedent(f"""
        [build-system]
        requires = ["setuptools>=68"]
        build-backend = "setuptools.build_meta"

        [project]
        name = "{dist}"
        version = "0.3.0"
        dependencies = ["mvae"]

        [project.entry-points."mvae.plugins"]
        {entry_name} = "{module}:Plugin"

        [tool.setuptools]
        py-modules = ["{module}"]
        """),
        encoding="utf-8",
    )
    return folder


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with the three packages installed by pip, as it would install them into site-packages."""
    skip_if_installed(*EXAMPLES)
    root = tmp_path_factory.mktemp("third_party")
    # pip builds a source folder in place (build/, *.egg-info): build a copy, never the example in the repository
    packages = [shutil.copytree(folder, root / dist, ignore=IGNORED) for dist, folder in EXAMPLES.items()]
    packages.append(_write_package(root / "mvae-step-probe", "mvae-step-probe", *PROBE))
    packages += [_write_package(root / dist, dist, name, source) for dist, (name, source) in BROKEN.items()]
    target = root / "site"
    pip = [sys.executable, "-m", "pip", "install", "--no-deps", "--no-build-isolation", "--no-index", "--no-cache-dir"]
    pip += ["--disable-pip-version-check", "--quiet", "--target", str(target), *map(str, packages)]
    result = subprocess.run(pip, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"offline pip install failed (is setuptools installed?):\n{result.stderr}"
    assert not result.stderr, result.stderr  # an author copying an example gets no deprecation box in every build
    return target


def mvae(site: Path, cwd: Path, *args: object) -> subprocess.CompletedProcess[str]:
    """``python -m mvae_core.cli ARGS`` with the installed packages importable, as for a user who pip installed them."""
    command = [sys.executable, "-m", "mvae_core.cli", *map(str, args)]
    return subprocess.run(command, cwd=cwd, env=_env(site), capture_output=True, text=True, timeout=300)


def _env(site: Path) -> dict[str, str]:
    """This environment with ``site`` first on PYTHONPATH; one torch thread, as in the suite (models are tiny)."""
    path = os.pathsep.join(p for p in (str(site), os.environ.get("PYTHONPATH")) if p)
    return {**os.environ, "PYTHONPATH": path, "OMP_NUM_THREADS": "1"}


@pytest.mark.slow
def test_installed_plugins_train_through_the_cli(site, synth_dir, tmp_path):
    run = tmp_path / "run"
    plugins = "free_bits,tensorboard,step_probe,kl_anneal"
    args = ["train", synth_dir, *TINY, "--set", "plugins.free_bits.nats=0.25", "--epochs", 2, "--plugins", plugins]
    result = mvae(site, tmp_path, *args, "--out", run)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "plugins: free_bits, tensorboard, step_probe, kl_anneal ·" in result.stdout
    config = tomllib.loads((run / "config.toml").read_text(encoding="utf-8"))
    assert config["provenance"]["versions"]["free_bits"] == EXAMPLE_VERSION
    assert config["provenance"]["packages"] == {  # what to install to load the run elsewhere; built-ins need nothing
        "free_bits": "mvae-free-bits", "tensorboard": "mvae-tensorboard", "step_probe": "mvae-step-probe"
    }  # fmt: skip
    assert config["plugins"]["enabled"] == ["free_bits", "tensorboard", "step_probe", "kl_anneal"]
    assert config["plugins"]["free_bits"] == {"nats": 0.25}
    records = [json.loads(line) for line in (run / "metrics.jsonl").read_text(encoding="utf-8").splitlines()]
    # free bits replaced the KL term and recorded the KL of each latent dimension from the validation batches
    assert [r["replaced"] for r in records] == [{"kl": "free_bits"}] * 2
    assert all(len(r["plugins"]["free_bits"]["kl_per_dim"]) == 2 for r in records)
    # the per-step multiplier (0.5) multiplies kl_anneal's (0, then 0.05); the wrapper ran around mvae_epoch_end
    assert [r["weights"]["kl"] for r in records] == pytest.approx([0.0, 0.025])
    probe = [r["plugins"]["step_probe"] for r in records]
    per_epoch = probe[0]["steps"]
    assert per_epoch > 0
    assert probe == [{"steps": per_epoch, "wrapped_epoch_ends": 1}, {"steps": 2 * per_epoch, "wrapped_epoch_ends": 2}]
    assert any((run / "tensorboard").glob("events.out.tfevents.*"))


@pytest.fixture(scope="module")
def example_test_runs(
    site: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Callable[[], tuple[int, str, str]]]]:
    """Each example's tests, run as its author would (from the package folder) against this mvae, started together
    in two processes (one torch thread each: the two cores of CI run them side by side); per example, a function
    that waits for its process and returns its exit code, stdout and stderr. Output goes to files, not pipes, so a
    long failure report cannot block a process that is not yet being read."""
    logs = tmp_path_factory.mktemp("example_tests")
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"]
    started: dict[str, tuple[subprocess.Popen[bytes], Path, Path]] = {}
    for dist in EXAMPLES:
        out, err = logs / f"{dist}.out", logs / f"{dist}.err"
        with out.open("wb") as stdout, err.open("wb") as stderr:
            # site.parent / dist: the copy that was installed
            process = subprocess.Popen(command, cwd=site.parent / dist, env=_env(site), stdout=stdout, stderr=stderr)
        started[dist] = (process, out, err)

    def waiter(dist: str) -> Callable[[], tuple[int, str, str]]:
        process, out, err = started[dist]

        def wait() -> tuple[int, str, str]:
            code = process.wait(timeout=300)
            return code, out.read_text(encoding="utf-8"), err.read_text(encoding="utf-8")

        return wait

    yield {dist: waiter(dist) for dist in started}
    for process, _, _ in started.values():
        if process.poll() is None:  # a test deselected, or one that timed out
            process.kill()
            process.wait()


@pytest.mark.slow
@pytest.mark.parametrize("dist", list(EXAMPLES))
def test_the_example_packages_pass_their_own_tests(example_test_runs, dist):
    """The example's tests, run as its author would (from the package folder), against this mvae."""
    returncode, stdout, stderr = example_test_runs[dist]()
    assert returncode == 0, stdout + stderr
    assert " passed" in stdout and "skipped" not in stdout


@pytest.mark.slow
def test_mvae_plugins_lists_installed_plugins_and_broken_ones_with_their_error(site, tmp_path):
    result = mvae(site, tmp_path, "plugins", "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    listed = {entry["name"]: entry for entry in json.loads(result.stdout)}
    free_bits = listed["free_bits"]
    assert free_bits["origin"] == "package mvae-free-bits" and free_bits["version"] == EXAMPLE_VERSION
    assert free_bits["error"] is None
    assert free_bits["hooks"] == ["mvae_loss", "mvae_validation_batch", "mvae_epoch_end"]
    assert free_bits["description"].startswith("Free bits: the KL of each latent dimension")
    [nats] = free_bits["config"]
    assert nats["name"] == "nats" and nats["type"] == "float" and nats["default"] == 0.5 and not nats["required"]
    assert "KL floor per latent dimension" in nats["description"]
    probe = listed["step_probe"]
    assert probe["error"] is None and probe["origin"] == "package mvae-step-probe"
    assert probe["hooks"] == [
        "mvae_step_start",
        "mvae_step_end",
        "mvae_epoch_end",
        "mvae_state_dict",
        "mvae_load_state_dict",
    ]

    broken = listed["broken_import"]
    assert broken["origin"] == "package mvae-broken-import" and broken["version"] == "0.3.0"
    assert "plugin 'broken_import' (package mvae-broken-import) failed to import" in broken["error"]
    assert "numpy_is_missing" in broken["error"]
    bad = listed["bad_hook"]
    assert bad["hooks"] == ["mvae_epoch_end"]
    assert "plugin 'bad_hook' (package mvae-bad-hook) has an invalid hook" in bad["error"]
    assert "metrix" in bad["error"]


@pytest.fixture
def installed(site: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The packages importable in this process too (the fast way to run the CLI in-process); unloaded afterwards."""
    monkeypatch.syspath_prepend(str(site))
    yield site
    for module in MODULES:
        sys.modules.pop(module, None)


def in_process(*args: object):
    return CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)


def test_mvae_plugins_prints_a_table_for_humans(installed):
    result = in_process("plugins")
    assert result.exit_code == 0, result.output
    for text in ("free_bits", "package mvae-free-bits", "[plugins.free_bits]", "nats", "KL floor per latent", "0.5"):
        assert text in result.output
    assert "hooks: mvae_loss, mvae_validation_batch, mvae_epoch_end" in result.output
    assert "plugin 'broken_import' (package mvae-broken-import) failed to import" in result.output


def test_an_unknown_plugin_name_suggests_the_installed_one(installed, synth_dir, tmp_path):
    result = in_process("train", synth_dir, *TINY, "--plugins", "free_bit", "--out", tmp_path / "run")
    assert result.exit_code == 2, result.output
    assert "unknown plugin 'free_bit'; did you mean 'free_bits'?" in result.output
    assert not (tmp_path / "run").exists()


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("broken_import", "plugin 'broken_import' (package mvae-broken-import) failed to import: No module named"),
        (
            "bad_hook",
            "plugin 'bad_hook' (package mvae-bad-hook) has an invalid hook: mvae_epoch_end(epoch, metrix): "
            "mvae_epoch_end has no argument 'metrix'; did you mean 'metrics'?",
        ),
    ],
)
def test_a_broken_plugin_is_named_with_its_package(installed, synth_dir, tmp_path, name, message):
    result = in_process("train", synth_dir, *TINY, "--plugins", name, "--out", tmp_path / "run")
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert not (tmp_path / "run").exists()  # a start-up error: nothing was written


def test_third_party_plugins_are_imported_only_when_enabled_by_name(installed):
    available = available_plugins()  # reads entry points (package metadata) only
    assert available["free_bits"].origin == "package mvae-free-bits"
    assert "free_bits" not in resolve_enabled(["all"], available)
    validated_sections(PluginsConfig(enabled=["all"]), available)  # what `mvae train --plugins all` resolves
    assert not [m for m in MODULES if m in sys.modules]
    assert set(validated_sections(PluginsConfig(enabled=["free_bits"]), available)) == {"free_bits"}
    assert "mvae_free_bits" in sys.modules  # enabling it by name imports it, and nothing else
    assert not [m for m in MODULES[1:] if m in sys.modules]


def test_a_package_reusing_a_builtin_name_stops_the_listing_with_exit_2(monkeypatch):
    import mvae_plugins

    class Dist:
        name, version = "mvae-impostor", "9.9"

    class EntryPoint:
        name, dist = "halving", Dist()

        def load(self):
            return Halving

    monkeypatch.setattr(mvae_plugins, "BUILTIN_PLUGINS", {"halving": "tests.test_third_party:Halving"})
    monkeypatch.setattr(importlib.metadata, "entry_points", lambda group: [EntryPoint()])
    result = in_process("plugins")
    assert result.exit_code == 2
    assert "plugin 'halving' from package mvae-impostor has the name of a built-in plugin" in result.output


class Halving:
    class Config(BaseModel):
        model_config = ConfigDict(extra="forbid")
        factor: float = Field(0.5, gt=0, description="The multiplier.\nMore text that is not listed.")
        target: str = Field(description="A required setting.")
        terms: list[str] = Field(default_factory=lambda: ["kl"])

    def __init__(self, config: Config) -> None:
        self.config = config

    @hookimpl(specname="mvae_loss_weights")
    def weights(self, epoch):
        return dict.fromkeys(self.config.terms, self.config.factor)

    @hookimpl
    def mvae_ramp_end(self):
        return None


def test_describe_reads_hooks_settings_and_docstrings_without_constructing_the_plugin():
    entry = describe(PluginInfo("halving", "package mvae-halving", "1.2", lambda: Halving))
    assert entry["hooks"] == ["mvae_ramp_end", "mvae_loss_weights"]  # contract order; specname counts
    assert entry["description"] == __doc__.splitlines()[0]  # no class docstring: its module's first line
    assert entry["config"] == [
        {"name": "factor", "type": "float", "constraints": ["> 0"], "default": 0.5, "required": False,
         "description": "The multiplier."},
        {"name": "target", "type": "str", "constraints": [], "default": None, "required": True,
         "description": "A required setting."},
        {"name": "terms", "type": "list[str]", "constraints": [], "default": ["kl"], "required": False,
         "description": ""},
    ]  # fmt: skip
    assert entry["error"] is None

    module = types.ModuleType("module_plugin", "Scales the onset term.\n\nDetails.")
    module.mvae_loss_weights = hookimpl(lambda epoch: {"onset": 2.0})
    module.mvae_epoch_ends = hookimpl(lambda epoch: None)  # misspelt: not a hook of the contract
    entry = describe(PluginInfo("mod", "built-in", "0.1", lambda: module))
    assert entry["description"] == "Scales the onset term."
    assert entry["hooks"] == ["mvae_loss_weights", "mvae_epoch_ends"] and entry["config"] == []
    assert entry["error"] == (
        "plugin 'mod' (built-in) has an invalid hook: mvae_epoch_ends is not a hook of mvae; did you mean "
        "'mvae_epoch_end'? (docs/hooks.md)"
    )


def test_docs_show_the_example_plugin_as_it_is():
    docs = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
    shown = docs.split("### `mvae_free_bits.py`", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
    assert "class FreeBits" in shown
    assert shown in (EXAMPLE / "mvae_free_bits.py").read_text(encoding="utf-8"), "update docs/plugins.md"
