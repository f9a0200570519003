"""Docs are part of the contract: every hook is documented (with its exact arguments) and tested."""

from __future__ import annotations

import inspect
import json
import re
import textwrap
from pathlib import Path

import pytest

from mvae_core import hookspecs

ROOT = Path(__file__).resolve().parents[1]
HOOKS = [
    (name, function)
    for name, function in inspect.getmembers(hookspecs, inspect.isfunction)
    if name.startswith("mvae_") and hasattr(function, "mvae_spec")
]


def test_there_are_hooks():
    assert len(HOOKS) >= 7


@pytest.mark.parametrize("name,function", HOOKS, ids=[n for n, _ in HOOKS])
def test_hook_is_documented_with_its_arguments(name, function):
    docs = (ROOT / "docs" / "hooks.md").read_text(encoding="utf-8")
    arguments = ", ".join(inspect.signature(function).parameters)
    assert f"## {name}({arguments})" in docs, f"docs/hooks.md needs a heading '## {name}({arguments})'"


@pytest.mark.parametrize("name,function", HOOKS, ids=[n for n, _ in HOOKS])
def test_hookspec_docstring_states_the_contract(name, function):
    doc = inspect.getdoc(function) or ""
    for argument in inspect.signature(function).parameters:
        assert f":param {argument}:" in doc, f"{name}: docstring lacks ':param {argument}:'"
    assert "Return value" in doc and "Example::" in doc, f"{name}: docstring needs 'Return value' and 'Example::'"


@pytest.mark.parametrize("name,function", HOOKS, ids=[n for n, _ in HOOKS])
def test_hook_has_a_test(name, function):
    sources = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "tests").glob("test_*.py"))
    assert re.search(rf"def test_hook_{name}\b", sources), f"no test named test_hook_{name}"


def test_call_sequence_in_hookspecs_names_every_hook():
    for name, _ in HOOKS:
        assert f"{name}(" in hookspecs.CALL_SEQUENCE, f"hookspecs.CALL_SEQUENCE does not mention {name}"


def test_what_a_plugin_sees_is_documented_and_nothing_more():
    """TrainerView's public attributes and methods are exactly the rows of hooks.md's table: the core's bookkeeping
    (what plugins emitted, by whom) is private, so a plugin cannot take another plugin's events."""
    import dataclasses

    from mvae_core.view import TrainerView

    docs = (ROOT / "docs" / "hooks.md").read_text(encoding="utf-8")
    table = docs.split("## What a plugin sees: `TrainerView`", 1)[1].split("\n\n- ", 1)[0]
    documented = set(re.findall(r"^\| `(\w+)[`(]", table, flags=re.M))
    fields = {f.name for f in dataclasses.fields(TrainerView)}
    members = {name for name, _ in inspect.getmembers(TrainerView)} | fields
    public = {name for name in members if not name.startswith("_")}
    assert public == documented, f"undocumented: {sorted(public - documented)}; gone: {sorted(documented - public)}"


def test_readme_gives_the_two_setup_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make demo" in readme and "make test" in readme


# -- the docs' examples run as shown -------------------------------------------------------------------------------


def code_blocks(page: str, language: str = "python") -> list[str]:
    """The fenced ``language`` blocks of ``docs/<page>``, in order."""
    text = (ROOT / "docs" / page).read_text(encoding="utf-8")
    blocks = re.findall(rf"^( *)```{language}\n(.*?)^\1```", text, flags=re.S | re.M)
    return [textwrap.dedent(block) for _, block in blocks]


def run_block(block: str, page: str, namespace: dict) -> None:
    """Run a Python block of ``docs/<page>`` in ``namespace`` as a reader's own module or notebook runs it: compiled
    without the ``from __future__`` imports of the test file that calls this (under which an annotation the block
    could not resolve at run time would pass)."""
    exec(compile(block, f"docs/{page}", "exec", dont_inherit=True), namespace)


def test_the_call_sequence_in_hooks_md_is_the_one_in_hookspecs():
    text = (ROOT / "docs" / "hooks.md").read_text(encoding="utf-8")
    shown = text.split("## Call sequence", 1)[1].split("```\n", 1)[1].split("```", 1)[0]
    assert shown == hookspecs.CALL_SEQUENCE, "copy hookspecs.CALL_SEQUENCE into docs/hooks.md#call-sequence"


def plugin_classes(namespace: dict) -> list[type]:
    """The classes an executed block defined that implement hooks."""
    return [
        value
        for value in namespace.values()
        if isinstance(value, type)
        and value.__module__ == namespace["__name__"]
        and any(hasattr(getattr(value, name), "mvae_impl") for name in dir(value))
    ]


@pytest.mark.parametrize("block", code_blocks("hooks.md"), ids=lambda block: block.split("\nclass ")[-1].split(":")[0])
def test_every_plugin_in_hooks_md_trains_as_an_installed_entry_point(block, synth_dir, tmp_path):
    """Each example is constructed the way ``mvae train --plugins NAME`` constructs an entry point (with its validated
    Config, or without an argument), then trained and resumed for a short run."""
    import mvae_core
    from mvae_core.host import construct
    from mvae_core.plugins import PluginInfo

    namespace = {"__name__": "docs_example"}
    run_block(block, "hooks.md", namespace)
    classes = plugin_classes(namespace)
    assert classes, "a Python block of hooks.md defines no plugin"
    tiny = {"model.hidden": 16, "train.batch_size": 16, "data.transpositions": [5]}
    for cls in classes:
        info = PluginInfo(cls.__name__.lower(), "docs", "0", lambda cls=cls: cls)
        plugin = construct(info, info.config_model().model_validate({}))
        run = tmp_path / cls.__name__
        result = mvae_core.train(data=[synth_dir], out=run, overrides=tiny, plugins=[plugin], epochs=2, progress=False)
        assert result.epochs_run >= 1
        resumed = construct(info, info.config_model().model_validate({}))
        mvae_core.train(out=run, resume=True, plugins=[resumed], epochs=3, progress=False)


def test_the_python_api_walkthrough_runs_as_shown(tmp_path, monkeypatch):
    """docs/python_api.md, every block in order in one namespace (a notebook), in a folder with my-midi/ and
    held-out/."""
    from tests.synth import melody_folder, pattern_folder

    pattern_folder(tmp_path / "my-midi", n_files=4, n_loops=4)  # small: the walk-through trains three times
    melody_folder(tmp_path / "held-out", n_files=2, n_loops=4, seed=5)
    monkeypatch.chdir(tmp_path)
    namespace = {"__name__": "__main__"}
    for block in code_blocks("python_api.md"):
        run_block(block, "python_api.md", namespace)
    assert (tmp_path / "curves.png").is_file()
    assert len(list((tmp_path / "samples").glob("*.mid"))) == 4
    assert [wav.stem for wav in namespace["wavs"]] == [mid.stem for mid in namespace["files"]]
    assert namespace["result"].epochs_run == 5 and namespace["result"].outcome == "trained"
    assert namespace["sidecar"] == Path("decoder.json") and (tmp_path / "decoder.onnx").is_file()
    step = 60 / 96 / 4  # the player's notes in seconds, quantized: each on its 16th at 96 bpm
    assert all(note["start"] == pytest.approx(note["step"] * step) for note in namespace["on_grid"])
    assert namespace["kept"].timed(0) == namespace["run"].timed(namespace["notes"], namespace["options"])


def test_the_python_examples_of_plugins_md_run_as_shown(tmp_path, monkeypatch, synth_dir):
    """Each block of docs/plugins.md: the free-bits module (trained as an entry point would be) and the test recipe."""
    import shutil

    from mvae_core.host import construct
    from mvae_core.plugins import PluginInfo

    shutil.copytree(synth_dir, tmp_path / "my-midi")
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(ROOT / "examples" / "mvae-free-bits"))
    blocks = code_blocks("plugins.md")
    assert len(blocks) == 2
    for block in blocks:
        namespace = {"__name__": "docs_example"}
        run_block(block, "plugins.md", namespace)
        for cls in plugin_classes(namespace):
            info = PluginInfo("free_bits", "docs", "0", lambda cls=cls: cls)
            assert construct(info, info.config_model().model_validate({"nats": 1.0})).config.nats == 1.0
    assert (tmp_path / "runs" / "free-bits" / "metrics.jsonl").is_file()


def test_the_live_player_example_of_tools_md_runs_as_shown(tmp_path, monkeypatch, synth_dir):
    import mvae_core
    from tests.training import TINY

    mvae_core.train([synth_dir], tmp_path / "runs" / "solos", overrides=TINY, plugins=[], epochs=1, progress=False)
    monkeypatch.chdir(tmp_path)
    (block,) = [b for b in code_blocks("tools.md") if "run.player()" in b]
    run_block(block, "tools.md", {"__name__": "tools_md"})
    assert (tmp_path / "loop.mid").stat().st_size > 0


def test_models_md_shows_what_mvae_models_prints():
    """The settings rows of the listing in docs/models.md are those `mvae models --json` describes (name, type with
    its bounds, default, description of every setting of the default model), so the listing cannot go stale."""
    from typer.testing import CliRunner

    from mvae_core.cli import app
    from mvae_core.cli_output import field_kind

    result = CliRunner().invoke(app, ["models", "--json"])
    assert result.exit_code == 0, result.output
    (default,) = [model for model in json.loads(result.output) if model["default"]]
    expected = [["setting", "type", "default", "description"]] + [
        [s["name"], field_kind(s), str(s["default"]), s["description"]] for s in default["settings"]
    ]
    docs = (ROOT / "docs" / "models.md").read_text(encoding="utf-8")
    listing = docs.split("$ mvae models\n", 1)[1].split("```", 1)[0]
    assert f"\n{default['name']}\n" in listing
    rows = [re.split(r"\s{2,}", line.strip(), maxsplit=3) for line in listing.splitlines() if line.startswith("    ")]
    assert rows == expected


def test_the_osc_example_of_live_md_runs_as_shown(tiny_run, capsys):
    """docs/live.md's python-osc client against a running server (the example's port 9000 becomes the free port the
    test's server got: tests never take fixed ports)."""
    from mvae_core.serve.server import LiveServer

    (block,) = [b for b in code_blocks("live.md") if "/mvae/generate" in b]
    with LiveServer(tiny_run, port=0, osc_port=0) as server:
        block = block.replace('("127.0.0.1", 9000)', repr(server.osc_address))
        run_block(block, "live.md", {"__name__": "live_md"})
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == "['grid_offset', 1.5]"
    assert len(printed) > 1 and all(len(line.split()) == 4 for line in printed[1:])


# -- links between the docs point at files and headings that exist --------------------------------------------------

LINKED_PAGES = [ROOT / "README.md", ROOT / "DEVELOPERS.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^ *```.*?^ *```", flags=re.S | re.M)


def heading_anchors(path: Path) -> set[str]:
    """The anchors GitHub gives the headings of ``path``: lower case, punctuation but ``-`` and ``_`` dropped, spaces
    as ``-``, a repeated heading suffixed ``-1``, ``-2``, ..."""
    anchors: set[str] = set()
    seen: dict[str, int] = {}
    for heading in re.findall(r"^#+ (.+)$", FENCE.sub("", path.read_text(encoding="utf-8")), flags=re.M):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        anchors.add(f"{slug}-{seen[slug]}" if slug in seen else slug)
        seen[slug] = seen.get(slug, 0) + 1
    return anchors


def relative_links() -> list[tuple[str, Path, str]]:
    """(where, target file, fragment) of every Markdown link outside code blocks that is not a URL."""
    found = []
    for page in LINKED_PAGES:
        for link in re.findall(r"\]\(([^)\s]+)\)", FENCE.sub("", page.read_text(encoding="utf-8"))):
            if re.match(r"[a-z]+:", link):
                continue
            path, _, fragment = link.partition("#")
            found.append((f"{page.relative_to(ROOT)}: {link}", (page.parent / path) if path else page, fragment))
    return found


def test_the_knob_ranges_live_md_gives_are_the_servers():
    from mvae_core.generation import TEMPO_RANGE
    from mvae_core.serve.engine import KNOBS

    def span(low: float, high: float) -> str:
        return f"{low:g}–{high:g}"

    text = " ".join((ROOT / "docs" / "live.md").read_text(encoding="utf-8").split())
    expected = (
        f"density {span(*KNOBS['density'])}, temperature and timing temperature {span(*KNOBS['temperature'])}, grid "
        f"offset {span(*KNOBS['grid_offset'])}, tempo {span(*KNOBS['tempo'])} bpm"
    )
    assert KNOBS["temperature"] == KNOBS["timing_temperature"] and expected in text
    assert f"and {span(*TEMPO_RANGE)} bpm)" in text  # generate's


def test_heading_anchors_are_github_s():
    page = ROOT / "docs" / "scaling.md"
    assert {"one-machine", "ablations-on-a-ray-cluster", "gpu"} <= heading_anchors(page)
    assert "how-close-is-it-to-one-process" in heading_anchors(page)


@pytest.mark.parametrize("where, target, fragment", relative_links(), ids=[w for w, _, _ in relative_links()])
def test_every_link_of_the_docs_reaches_its_file_and_heading(where, target, fragment):
    assert target.exists(), f"{where}: no file {target.relative_to(ROOT)}"
    if fragment and target.suffix == ".md":
        assert fragment in heading_anchors(target), f"{where}: {target.name} has no heading with anchor #{fragment}"


def test_the_typo_error_quickstart_quotes_is_the_one_mvae_prints(tmp_path):
    """docs/quickstart.md#5-configure quotes the error of ``--set train.epoch=3``; the command prints exactly that."""
    from typer.testing import CliRunner

    from mvae_core.cli import app

    text = (ROOT / "docs" / "quickstart.md").read_text(encoding="utf-8")
    quoted = re.search(r"A typo is an error that names the key, e\.g\.\s+`(error: [^`]+)`", text)
    assert quoted, "quickstart.md no longer quotes the typo error"
    args = ["train", str(tmp_path), "--set", "train.epoch=3", "--out", str(tmp_path / "run")]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2 and result.stderr.strip() == quoted.group(1), result.stderr


def test_the_metrics_fields_the_docs_list_are_those_a_run_writes(synth_dir, tmp_path):
    """quickstart.md lists the fields of every ``metrics.jsonl`` record, cli.md#metricsjsonl has a row for each, and
    hooks.md names those ``mvae_epoch_end`` gets: each against a real run's record (the lists had lost
    ``rhythm_f1``, ``timing_std`` and ``cpu_seconds``)."""
    import mvae_core
    from mvae_core import hookimpl
    from tests.training import TINY

    seen: dict[str, list[str]] = {}

    class Keys:
        @hookimpl
        def mvae_epoch_end(self, metrics):
            seen["hook"] = sorted(metrics)

    run = tmp_path / "run"
    mvae_core.train([synth_dir], run, overrides=TINY, plugins=[Keys()], epochs=1, progress=False)
    written = set(json.loads((run / "metrics.jsonl").read_text().splitlines()[0]))
    quickstart = (ROOT / "docs" / "quickstart.md").read_text(encoding="utf-8")
    sentence = quickstart.split("Its fields are ", 1)[1].split("[cli.md]", 1)[0]
    terms = {"onset", "velocity", "duration", "timeshift", "kl", "total", "null"}
    assert set(re.findall(r"`(\w+)`", sentence)) - terms == written, "quickstart.md: 'Its fields are …'"
    cli = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8").split("### metrics.jsonl", 1)[1].split("\n#", 1)[0]
    rows = set(re.findall(r"^\| `(\w+)` \|", cli, flags=re.M))
    assert written <= rows, f"cli.md#metricsjsonl has no row for {sorted(written - rows)}"
    hooks = (ROOT / "docs" / "hooks.md").read_text(encoding="utf-8")
    record = "the epoch's record as it will be written to `metrics.jsonl`. It has "
    listed = hooks.split(record, 1)[1].split(", and", 1)[0]
    assert set(re.findall(r"`(\w+)`", listed)) == set(seen["hook"]), "hooks.md: mvae_epoch_end's metrics"


def quoted(text: str, before: str) -> str:
    """The first backticked text after ``before`` in ``text``, its line breaks and indents read as single spaces."""
    assert before in text, f"the docs no longer say {before!r}"
    return re.sub(r"\s+", " ", text.split(before, 1)[1].split("`", 2)[1])


def test_the_errors_tools_md_quotes_are_those_mvae_prints(tiny_run, tmp_path, monkeypatch):
    """tools.md quotes the refusal of ``--resume`` on a bent copy and encode's error for a file with no 4/4 bar;
    the commands it shows print exactly those (the first said 'no checkpoint at …/checkpoint.pt' long after)."""
    import shutil

    from typer.testing import CliRunner

    from mvae_core.cli import app
    from tests.synth import SynthNote, write_midi

    text = (ROOT / "docs" / "tools.md").read_text(encoding="utf-8")
    shutil.copytree(tiny_run, tmp_path / "runs" / "solos")
    notes = [SynthNote(60 + i % 12, i * 480, i * 480 + 400) for i in range(60)]  # 10 bars of 3/4 at 960 per quarter
    write_midi(tmp_path / "take3.mid", notes, time_signatures=[(0, 3, 4)])
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    bent = runner.invoke(app, ["bend", "runs/solos", "--sigma", "0.2", "--seed", "3", "--out", "runs/solos-bent"])
    assert bent.exit_code == 0, bent.output
    resumed = runner.invoke(app, ["train", "--resume", "runs/solos-bent"])
    assert resumed.exit_code == 2
    assert resumed.stderr.strip() == "error: " + quoted(text, "`mvae train --resume` exits 2: "), resumed.stderr
    encoded = runner.invoke(app, ["encode", "runs/solos", "take3.mid"])
    assert encoded.exit_code == 2
    assert encoded.stderr.strip() == "error: " + quoted(text, "with the reason from the data report, e.g. ")


def test_ablation_md_has_a_row_for_every_column_of_summary_csv():
    """docs/ablation.md#summarycsv names every column ``mvae ablate`` writes, and no other (it lacked the four
    pitch-structure gaps)."""
    from mvae_core.ablation.columns import COLUMNS

    text = (ROOT / "docs" / "ablation.md").read_text(encoding="utf-8").split("### summary.csv", 1)[1]
    table = text.split("\n### ", 1)[0]
    rows = [line.split(" | ", 1)[0] for line in table.splitlines() if line.startswith("| `")]
    documented = [name for row in rows for name in re.findall(r"`(\w+)`", row)]
    assert documented == COLUMNS


def test_the_start_warnings_builtin_plugins_md_quotes_are_those_the_plugins_emit():
    """builtin_plugins.md quotes kl_anneal's and early_stopping's warnings at the start of a run; the plugins, at
    their defaults and in the case the page names, emit exactly those sentences (it said 'at epoch 20' and 'the
    earliest stop is epoch 45' after the messages had come to count epochs from 1)."""
    import dataclasses
    from types import SimpleNamespace

    from mvae_plugins.early_stopping import EarlyStopping
    from mvae_plugins.kl_anneal import KlAnneal

    text = (ROOT / "docs" / "builtin_plugins.md").read_text(encoding="utf-8")

    def said(text_before: str) -> str:
        return re.sub(r"\s+", " ", text.split(text_before, 1)[1].split('"', 2)[1])

    def emitted(plugin, epochs: int, ramps_end: int = 0) -> list[str]:
        messages: list[str] = []
        trainer = SimpleNamespace(
            epochs=epochs,
            ramps_end=ramps_end,
            plugin_name="kl_anneal",
            emit=lambda message, **_: messages.append(message),
        )
        plugin.mvae_train_start(trainer=trainer)
        return messages

    assert emitted(KlAnneal(), 10) == [said("a 10-epoch run with the default schedule gets: ")]
    stopping = EarlyStopping()
    assert emitted(stopping, 29, ramps_end=20) == [said("i.e. `ramps_end + patience ≥ epochs`: ")]
    stopping.tracker = dataclasses.replace(stopping.tracker, stopped=18)
    assert emitted(stopping, 40, ramps_end=20) == [said("The plugin warns at start: ")]


def test_the_configuration_table_of_cli_md_has_a_row_for_every_setting():
    """Every setting of the core sections (data, model, loss, train, plugins) has a row in cli.md#configuration (the
    table lacked data.melody and data.meter)."""
    from mvae_core.config import MvaeConfig

    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8").split("## Configuration", 1)[1].split("\n## ", 1)[0]
    keys = {key for cell in re.findall(r"^\| ([^|]+) \|", text, flags=re.M) for key in re.findall(r"`([\w.]+)`", cell)}
    settings = {f"{section}.{name}" for section, fields in MvaeConfig().model_dump().items() for name in fields}
    missing = settings - keys
    assert not missing, f"cli.md#configuration has no row for {sorted(missing)}"
