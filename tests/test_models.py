"""The model registry: every registered model goes through train → resume → generate → evaluate → export; names and
settings are validated like the rest of the config; runs from before the registry still load; melody_rnn's rules."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import numpy as np
import pytest
import tomli_w
import torch
from pydantic import BaseModel
from typer.testing import CliRunner

import mvae_core
from mvae_core.cli import app
from mvae_core.config import ConfigError, build_config
from mvae_core.generation import DecodeOptions
from mvae_core.models import BUILTIN_MODELS, ModelError, ModelInfo, available_models, build_model, resolve_model
from mvae_core.models.base import MelodyModel, UnsupportedOption
from mvae_core.models.melody_rnn import REST, TokenChooser, top_tokens
from mvae_core.models.seed import SeedModel
from mvae_core.run import RunDir
from tests.legacy import per_branch_encoder
from tests.training import TINY

runner = CliRunner()


def tiny(model: str) -> list[str]:
    return [*TINY, f'model.name="{model}"']


@pytest.mark.parametrize("model", sorted(BUILTIN_MODELS))
def test_every_model_trains_resumes_generates_evaluates_and_exports(model, synth_dir, tmp_path):
    out = tmp_path / "run"
    first = mvae_core.train([synth_dir], out, overrides=tiny(model), plugins=[], epochs=1, progress=False)
    assert first.outcome == "trained" and first.epochs_run == 1
    resumed = mvae_core.train(out=out, resume=True, epochs=2, progress=False)
    assert resumed.outcome == "trained" and len(RunDir(out).read_metrics()) == 2
    run = mvae_core.load(out)
    assert run.config.model.name == model and type(run.model).name == model
    generated = run.generate(random=3, seed=5)
    assert len(generated) == 3 and all(len(file[0]) > 0 for file in generated.loops)
    player = run.player()
    assert [(n.step, n.row) for n in player.notes(generated.paths[1][0].numpy(), generated.options, index=1)] == [
        (n.step, n.row) for n in generated.loops[1][0]
    ]
    with pytest.warns(mvae_core.TrainedOnWarning):  # scored on the files it trained on, as it says
        scores = run.evaluate([synth_dir], samples=16)
    assert scores["latent"]["latent_dim"] == 2 and set(scores["pitch"]) >= {"in_key", "mean_interval"}
    exported = runner.invoke(app, ["export", str(out), "--onnx", str(tmp_path / "d.onnx")])
    assert exported.exit_code == 0, exported.output  # a model without an export: tests/test_tools.py
    assert json.loads((tmp_path / "d.json").read_text())["model"] == model


def test_a_run_records_every_setting_of_its_model_so_a_later_default_cannot_change_it(synth_dir, tmp_path):
    out = tmp_path / "run"
    mvae_core.train([synth_dir], out, overrides=tiny("melody_rnn"), plugins=[], epochs=1, progress=False)
    written = tomllib.loads((out / "config.toml").read_text())["model"]
    _, defaults = resolve_model(build_config(None, tiny("melody_rnn")))
    assert written["melody_rnn"] == defaults.model_dump(mode="json")  # the defaults, written out
    assert RunDir(out).read_config().model.sections["melody_rnn"] == written["melody_rnn"]


def test_a_third_party_model_registered_by_entry_point_is_used_by_name(monkeypatch, synth_dir, tmp_path):
    class Wide(SeedModel):
        name = "wide"
        description = "The seed decoder, for this test"

    monkeypatch.setitem(BUILTIN_MODELS, "wide", f"{__name__}:Wide")  # the registry resolves "module:Class"
    monkeypatch.setattr(f"{__name__}.Wide", Wide, raising=False)
    assert "wide" in available_models()
    result = mvae_core.train(
        [synth_dir], tmp_path / "run", overrides=tiny("wide"), plugins=[], epochs=1, progress=False
    )
    assert result.outcome == "trained"
    assert type(mvae_core.load(tmp_path / "run").model) is Wide


class _Abstract(MelodyModel):
    description = "implements nothing"


class _NoDescription(SeedModel):
    description = None


class _DictSettings(SeedModel):
    Settings = dict


class _Crashing(SeedModel):
    def __init__(self, cfg, settings, pitch_classes):
        raise RuntimeError("needs a GPU")


class _NoExport(SeedModel):  # keeps the seed's class attribute name, registered under another
    onnx_graph = MelodyModel.onnx_graph


@pytest.fixture
def builtins_only(monkeypatch):
    """The built-in models alone, whatever packages this environment has installed (examples/mvae-wide-seed's
    README installs one): the tests that list or name every model expect mvae's own."""
    builtins = {name: info for name, info in available_models().items() if info.origin == "built-in"}
    monkeypatch.setattr("mvae_core.models.available_models", lambda: builtins)


def _installed(monkeypatch, name: str, cls: type) -> None:
    """``cls`` registered as the entry point ``name`` of a package mvae-x."""
    registry = {**available_models(), name: ModelInfo(name, "package mvae-x", "0.1", lambda: cls)}
    monkeypatch.setattr("mvae_core.models.available_models", lambda: registry)


class _LenientSettings(SeedModel):
    class Settings(BaseModel):  # pydantic's extra left unset: it would drop an unknown key in silence
        width: int = 2


def test_a_misspelt_setting_of_a_package_model_is_an_error_even_without_extra_forbid(monkeypatch):
    _installed(monkeypatch, "lenient", _LenientSettings)
    with pytest.raises(ConfigError, match=r"^model\.lenient\.widht = 3: unknown setting; did you mean "):
        resolve_model(build_config(None, [*tiny("lenient"), "model.lenient.widht=3"]))
    _, settings = resolve_model(build_config(None, [*tiny("lenient"), "model.lenient.width=3"]))
    assert settings.width == 3


class _NoKl(SeedModel):
    def loss_terms(self, x, output, mask):
        return {k: v for k, v in super().loss_terms(x, output, mask).items() if k != "kl"}


class _ExtraTerm(SeedModel):
    def loss_terms(self, x, output, mask):
        return {**super().loss_terms(x, output, mask), "aux": torch.tensor(0.0)}


class _VectorTerm(SeedModel):
    def loss_terms(self, x, output, mask):
        terms = super().loss_terms(x, output, mask)
        return {**terms, "onset": terms["onset"].repeat(3)}


@pytest.mark.parametrize(
    ("cls", "returned"),
    [
        (_NoKl, "onset, velocity, duration, timeshift"),  # it blamed kl_anneal: "returned unknown term 'kl'"
        (_ExtraTerm, "onset, velocity, duration, timeshift, kl, aux"),  # a KeyError traceback in validation
        (_VectorTerm, "'onset' = a tensor of shape [3]"),  # torch's "grad can be implicitly created ..."
    ],
)
def test_a_model_whose_loss_terms_break_the_contract_is_named_with_its_package(
    monkeypatch, synth_dir, tmp_path, cls, returned
):
    _installed(monkeypatch, "mine", cls)
    with pytest.raises(ModelError) as error:
        mvae_core.train([synth_dir], tmp_path / "r", overrides=tiny("mine"), plugins=["kl_anneal"], epochs=1,
                        progress=False)  # fmt: skip
    assert str(error.value) == (
        f"model 'mine' (package mvae-x): loss_terms returned {returned}; it must return exactly onset, velocity, "
        "duration, timeshift, kl, each a scalar floating-point tensor (docs/models.md, Writing a model)"
    )


@pytest.mark.parametrize(
    ("cls", "message"),
    [
        (_Abstract, "does not implement decode_for_training, decode_notes, loss_terms, player, predict_cells"),
        (_NoDescription, "needs a class attribute description"),
        (_DictSettings, "has Settings = <class 'dict'>; it must be a pydantic BaseModel subclass"),
    ],
)
def test_a_model_class_that_breaks_the_contract_is_listed_with_its_error_and_refused_before_any_data(
    monkeypatch, tmp_path, cls, message
):
    _installed(monkeypatch, "broken", cls)
    listed = runner.invoke(app, ["models", "--json"])
    assert listed.exit_code == 0, listed.output  # it crashed with a traceback on a class without description
    entry = next(e for e in json.loads(listed.output) if e["name"] == "broken")
    assert entry["error"].startswith("model 'broken' (package mvae-x) ") and message in entry["error"]
    monkeypatch.setattr("mvae_core.run_data.load_dataset", lambda *a, **k: pytest.fail("data was read"))
    result = runner.invoke(app, ["train", str(tmp_path), "--set", 'model.name="broken"', "--out", str(tmp_path / "r")])
    assert result.exit_code == 2 and message in result.stderr and "Traceback" not in result.output


def test_a_model_whose_init_raises_is_named_with_its_package(monkeypatch):
    _installed(monkeypatch, "crashing", _Crashing)
    with pytest.raises(ModelError, match=r"^model 'crashing' \(package mvae-x\) failed to start: RuntimeError: needs"):
        build_model(build_config(None, tiny("crashing")))


class _Wide(SeedModel):
    description = "the seed decoder, from a package"


def test_a_run_records_its_third_party_model_version_and_names_its_config_when_the_package_is_gone(
    monkeypatch, synth_dir, tmp_path
):
    _installed(monkeypatch, "wide", _Wide)
    out = tmp_path / "run"
    mvae_core.train([synth_dir], out, overrides=tiny("wide"), plugins=[], epochs=1, progress=False)
    versions = tomllib.loads((out / "config.toml").read_text())["provenance"]["versions"]
    assert versions["model.wide"] == "0.1" and type(mvae_core.load(out).model) is _Wide
    monkeypatch.setattr("mvae_core.models.available_models", lambda: {})  # the package is uninstalled
    gone = rf"^{re.escape(str(out / 'config.toml'))}: model.name: unknown model 'wide'; no installed package provides"
    with pytest.raises(ConfigError, match=gone):
        mvae_core.load(out)
    with pytest.raises(ConfigError, match=gone):
        mvae_core.train(out=out, resume=True, epochs=2, progress=False)


def test_a_model_without_an_export_is_refused_under_its_registry_name(monkeypatch):
    _installed(monkeypatch, "no_export", _NoExport)
    model = build_model(build_config(None, tiny("no_export")))
    with pytest.raises(UnsupportedOption, match=r"^model 'no_export' has no ONNX export"):
        model.onnx_graph(build_config(None, tiny("no_export")))


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (['model.name="melody_rn"'], r"model.name: unknown model 'melody_rn'; did you mean 'melody_rnn'\?"),
        (["model.seeed.x=1"], r"model.seeed: unknown model 'seeed'; did you mean 'seed'\?"),
        (
            ['model.name="transformer_xl"'],  # e.g. a run trained with a package that is not installed here
            r"model.name: unknown model 'transformer_xl'; no installed package provides it \(a run trained with it "
            r"needs that package installed\)\. Available: melody_rnn, seed \(mvae models\)\.",
        ),
        (
            ['model.name="deep_seed"'],  # a run's package model whose name is near a built-in's: not only a typo
            r"model.name: unknown model 'deep_seed'; did you mean 'seed'\? If 'deep_seed' is a model of a package, "
            r"install it \(a run trained with it needs it\)\. Available: melody_rnn, seed \(mvae models\)\.",
        ),
        (
            ["model.melody_rnn.tokn_dropout=0.1"],
            r"model.melody_rnn.tokn_dropout = 0.1: unknown setting; did you mean "
            r"model.melody_rnn.token_dropout\?",
        ),
        (["model.melody_rnn.token_dropout=1.5"], r"model.melody_rnn.token_dropout = 1.5: Input should be less than 1"),
        (["model.timing_head=mse"], r"model.timing_head = 'mse': melody_rnn has only the categorical timing head"),
        (["loss.mask=all"], r"loss.mask = 'all': melody_rnn predicts velocity, duration and timing only for the notes"),
        (["model.hiden=3"], r"model.hiden = 3: unknown setting; did you mean model.hidden\?"),
    ],
)
def test_a_bad_model_choice_or_setting_names_the_field(overrides, message, builtins_only):
    with pytest.raises(ConfigError, match=message):
        resolve_model(build_config(None, overrides))


def test_a_bad_model_setting_exits_2_before_any_data_is_read(monkeypatch, tmp_path):
    monkeypatch.setattr("mvae_core.run_data.load_dataset", lambda *a, **k: pytest.fail("data was read"))
    out = tmp_path / "run"
    result = runner.invoke(app, ["train", str(tmp_path), "--set", 'model.name="sed"', "--out", str(out)])
    assert result.exit_code == 2 and "did you mean 'seed'" in result.output
    assert not out.exists()


def test_model_sections_are_written_back_as_tables(tmp_path):
    cfg = build_config(None, ["model.melody_rnn.token_dropout=0.25"])
    tree = cfg.model_dump(mode="json", exclude_none=True)
    assert tree["model"]["melody_rnn"] == {"token_dropout": 0.25} and "sections" not in tree["model"]
    assert build_config(tree) == cfg


def test_models_lists_every_model_with_its_settings(builtins_only):
    result = runner.invoke(app, ["models", "--json"])
    assert result.exit_code == 0, result.output
    entries = {e["name"]: e for e in json.loads(result.output)}
    assert set(entries) == set(BUILTIN_MODELS)
    assert entries["melody_rnn"]["default"] and not entries["seed"]["default"]
    assert {f["name"] for f in entries["melody_rnn"]["settings"]} == {
        "rnn_hidden",
        "embedding",
        "token_dropout",
        "bag_weight",
        "pitch_temperature",
        "pitch_min_p",
    }
    assert entries["seed"]["settings"] == [] and all(e["error"] is None for e in entries.values())
    table = runner.invoke(app, ["models"], env={"COLUMNS": "200"})
    assert "melody_rnn (default)" in table.output and "settings [model.melody_rnn]" in table.output


def test_a_run_from_before_the_registry_loads_as_the_seed_model(synth_dir, tmp_path):
    """Its config.toml has no [model] name, its encoder weights are not under ``encoder.`` and its encoder has
    one layer per input branch."""
    out = tmp_path / "old"
    mvae_core.train([synth_dir], out, overrides=tiny("seed"), plugins=[], epochs=1, progress=False)
    expected = mvae_core.load(out).generate(random=2, seed=3).loops
    config = tomllib.loads((out / "config.toml").read_text())
    del config["model"]["name"]
    (out / "config.toml").write_text(tomli_w.dumps(config))
    from safetensors.torch import load_file, save_file

    state = load_file(out / "model.safetensors")
    old_layout = per_branch_encoder(state)
    save_file({k.removeprefix("encoder."): v for k, v in old_layout.items()}, out / "model.safetensors")
    old = mvae_core.load(out)
    assert old.config.model.name == "seed" and old.generate(random=2, seed=3).loops == expected


def test_tokens_are_the_highest_row_with_an_onset_or_rest():
    x = torch.zeros(1, 4, 24, 32)
    x[0, 0, 5, 0] = x[0, 0, 9, 0] = x[0, 0, 0, 31] = 1.0
    tokens = top_tokens(x)[0]
    assert tokens[0] == 10 and tokens[31] == 1 and (tokens[1:31] == REST).all()


def test_the_deterministic_choice_writes_the_expected_number_of_notes_where_they_are_likely():
    choose = TokenChooser(DecodeOptions(temperature=0.0))
    p_note = np.array([0.3, 0.3, 0.3, 0.9, 0.1, 0.1])  # expected 2.0 notes
    logits = [np.log(np.array([1 - p, p * 0.25, p * 0.75])) for p in p_note]
    tokens = [choose(row, np.zeros(2)) for row in logits]
    assert tokens == [REST, 2, REST, 2, REST, REST]  # the running sum passes 0.5 at 0.6, then 1.5 at 1.8
    dense = TokenChooser(DecodeOptions(temperature=0.0, density=2.0))
    assert sum(dense(row, np.zeros(2)) != REST for row in logits) == 3  # round(Σ min(1, 2·p_note)) = round(3.2)


def test_sampled_steps_sound_with_probability_density_times_p_note():
    rng = np.random.default_rng(0)
    logits = np.log(np.array([0.8, 0.1, 0.1]))  # p_note 0.2
    for density, expected in ((1.0, 0.2), (2.0, 0.4), (10.0, 1.0)):
        choose = TokenChooser(DecodeOptions(density=density))
        share = np.mean([choose(logits, rng.random(2)) != REST for _ in range(20000)])
        assert share == pytest.approx(expected, abs=0.01)


def test_pitch_temperature_scales_the_temperature_of_the_row_draw_only():
    rng = np.random.default_rng(1)
    logits = np.log(np.array([0.5, 0.3, 0.15, 0.05]))
    draws = rng.random((4000, 2))
    scaled = TokenChooser(DecodeOptions(temperature=1.0), pitch_temperature=0.5)
    plain = TokenChooser(DecodeOptions(temperature=0.5))
    assert [scaled(logits, u) for u in draws] == [plain(logits, u) for u in draws]  # 0.5 × 1 is 1 × 0.5
    rows = [TokenChooser(DecodeOptions(), pitch_temperature=t) for t in (1.0, 0.5)]
    chosen = [[choose(logits, u) for u in draws] for choose in rows]
    assert [np.mean(np.array(c) != REST) for c in chosen] == pytest.approx([0.5, 0.5], abs=0.03)  # notes: unchanged
    top_share = [np.mean(np.array(c)[np.array(c) != REST] == 1) for c in chosen]
    assert top_share[1] > top_share[0] + 0.1  # a colder draw picks the most likely row more often
    model = build_model(build_config(None, [*TINY, "model.melody_rnn.pitch_temperature=0.5"])).eval()
    point = torch.randn(1, 2, generator=torch.Generator().manual_seed(3))
    assert model.settings.pitch_temperature == 0.5
    assert [(n.step, n.row) for n in model.player().notes(point[0].numpy(), DecodeOptions(seed=2))] == [
        (n.step, n.row) for n in model.decode_notes(point, DecodeOptions(seed=2))[0]
    ]


def test_min_p_never_draws_rows_below_its_share_of_the_likeliest_and_keeps_the_others_in_proportion():
    rng = np.random.default_rng(5)
    logits = np.log(np.array([0.5, 0.3, 0.12, 0.06, 0.015, 0.005]))  # rows 0.3, 0.12, 0.06, 0.015, 0.005
    draws = rng.random((40000, 2))
    choose = TokenChooser(DecodeOptions(), pitch_min_p=0.1)  # keeps the rows with weight >= 0.03
    rows = np.array([choose(logits, u) for u in draws])
    sounding = rows[rows != REST]
    assert np.mean(rows != REST) == pytest.approx(0.5, abs=0.01)  # whether a step sounds is unchanged
    assert set(sounding) == {1, 2, 3}
    assert np.bincount(sounding, minlength=4)[1:] / len(sounding) == pytest.approx(
        np.array([0.3, 0.12, 0.06]) / 0.48, abs=0.01
    )
    every_row = TokenChooser(DecodeOptions(), pitch_min_p=0.0)
    assert {every_row(logits, u) for u in draws} == {REST, 1, 2, 3, 4, 5}
    assert TokenChooser(DecodeOptions(), pitch_min_p=0.1)(logits, np.array([0.0, 0.0])) == 1  # u = 0: a kept row


def test_pitch_min_p_is_a_model_setting_shared_by_the_batch_path_and_the_player():
    model = build_model(build_config(None, [*TINY, "model.melody_rnn.pitch_min_p=0.5"])).eval()
    assert model.settings.pitch_min_p == 0.5
    points = torch.randn(4, 2, generator=torch.Generator().manual_seed(8))
    batch = model.decode_notes(points, DecodeOptions(seed=1))
    player = model.player()
    assert [[(n.step, n.row) for n in player.notes(p.numpy(), DecodeOptions(seed=1), index=i)] for i, p in
            enumerate(points)] == [[(n.step, n.row) for n in loop] for loop in batch]  # fmt: skip
    wide = build_model(build_config(None, [*TINY, "model.melody_rnn.pitch_min_p=0"])).eval()
    for m in (model, wide):  # every step: rest, or row r with weight e^-r/2
        with torch.no_grad():
            m.to_token.weight.zero_()
            m.to_token.bias.copy_(torch.cat([torch.zeros(1), -torch.arange(m.pitch_classes) / 2.0]))
    many = points.repeat(25, 1)
    assert {n.row for loop in model.decode_notes(many, DecodeOptions(seed=1)) for n in loop} == {0, 1}  # e^-r/2 >= 0.5
    assert len({n.row for loop in wide.decode_notes(many, DecodeOptions(seed=1)) for n in loop}) > 4


def test_a_pattern_does_not_depend_on_the_others_in_its_batch():
    model = build_model(build_config(None, TINY)).eval()
    points = torch.randn(5, 2, generator=torch.Generator().manual_seed(2))
    together = model.decode_notes(points, DecodeOptions(seed=4))
    alone = model.decode_notes(points[3:4], DecodeOptions(seed=4))
    # pattern 3's random source is (seed, 3); alone it is pattern 0 of its batch: compare both through the player
    player = model.player()
    for index, expected in ((3, together[3]), (0, alone[0])):
        got = player.notes(points[3].numpy(), DecodeOptions(seed=4), index=index)
        assert [(n.step, n.row) for n in got] == [(n.step, n.row) for n in expected]
        assert np.allclose([n.timeshift for n in got], [n.timeshift for n in expected], atol=1e-5)


def test_predicted_cells_hold_the_teacher_forced_token_probabilities():
    model = build_model(build_config(None, TINY)).eval()
    x = torch.zeros(2, 4, 24, 32)
    x[:, 0, 7, ::4] = 1.0
    cells = model.predict_cells(x, torch.zeros(2, 2))
    assert cells.onset_logits.shape == (2, 24, 32) and cells.timing_logits.shape == (2, 32, 33)
    p_rows = torch.sigmoid(cells.onset_logits).sum(dim=1)
    assert ((p_rows > 0) & (p_rows < 1)).all()  # per step, the rows' probabilities and the rest's add up to 1


def test_config_path_of_runs_is_the_registry_name(tmp_path):
    """The run directory's config names the model, so a later change of the default cannot change a run."""
    cfg = build_config(None, TINY)
    RunDir(tmp_path).write_config(cfg, {}, [], "x")
    assert tomllib.loads(Path(tmp_path / "config.toml").read_text())["model"]["name"] == "melody_rnn"


# --- decode_notes breaking the contract ------------------------------------------------------------------------


class _PlainTuples(SeedModel):
    def decode_notes(self, z, options):
        return [[tuple(note) for note in notes] for notes in super().decode_notes(z, options)]


class _Tuple(SeedModel):
    def decode_notes(self, z, options):
        return tuple(super().decode_notes(z, options))


class _OneShort(SeedModel):
    def decode_notes(self, z, options):
        return super().decode_notes(z, options)[1:]


@pytest.mark.parametrize(
    ("cls", "returned"),
    [
        (_PlainTuples, r"returned \(.*\) \(a tuple\) in the notes of latent point 0"),  # 'tuple' has no attribute 'row'
        (_Tuple, r"returned a tuple for \d+ latent points"),
        (_OneShort, r"returned \d+ items for \d+ latent points"),
    ],
)
def test_a_model_whose_decode_notes_breaks_the_contract_is_named_with_its_package(
    monkeypatch, synth_dir, tmp_path, cls, returned
):
    _installed(monkeypatch, "mine", cls)
    with pytest.raises(ModelError) as error:
        mvae_core.train([synth_dir], tmp_path / "r", overrides=tiny("mine"), plugins=[], epochs=1, progress=False)
    assert re.fullmatch(
        rf"model 'mine' \(package mvae-x\): decode_notes {returned}; it must return one list of "
        r"mvae_core\.generation\.Note per latent point \(docs/models\.md, Writing a model\)",
        str(error.value),
    ), str(error.value)
