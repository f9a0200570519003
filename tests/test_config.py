"""Config resolution: defaults < TOML < --set < flags; unknown keys and bad values name the field."""

from __future__ import annotations

import re

import pytest

from mvae_core.config import ConfigError, MvaeConfig, build_config, parse_set_value
from mvae_core.models import resolve_model
from mvae_core.run import RunDir


def test_defaults_are_the_seed_values():
    cfg = MvaeConfig()
    assert (cfg.data.pitch_low, cfg.data.pitch_classes, cfg.data.min_onsets) == ("auto", 24, 6)
    assert cfg.data.transpositions == [-12, -7, -5, 5, 7, 12]
    assert cfg.data.train_fraction == pytest.approx(5 / 6)
    assert cfg.loss.coefficients == {"onset": 1.0, "velocity": 2.5, "duration": 1.0, "timeshift": 2.0, "kl": 1.0}
    assert cfg.loss.mask == "notes"
    assert (cfg.train.lr, cfg.train.batch_size, cfg.model.dropout, cfg.model.latent_dim) == (1e-3, 64, 0.2, 2)


def test_resolution_order(tmp_path):
    toml = tmp_path / "c.toml"
    toml.write_text("[train]\nepochs = 10\nseed = 3\nlr = 0.01\n[model]\nhidden = 128\n")
    cfg = build_config(toml, ["train.epochs=20", "train.seed=4"], {"train.epochs": 30, "train.batch_size": None})
    assert cfg.train.epochs == 30  # flag beats --set beats file
    assert cfg.train.seed == 4  # --set beats file
    assert cfg.train.lr == 0.01 and cfg.model.hidden == 128  # file beats defaults
    assert cfg.train.batch_size == 64  # an unset flag changes nothing


def test_set_values_are_parsed_as_toml():
    assert parse_set_value("3") == 3
    assert parse_set_value("1e-4") == 1e-4
    assert parse_set_value("[0, 5]") == [0, 5]
    assert parse_set_value("true") is True
    assert parse_set_value("notes") == "notes"  # bare words stay strings
    cfg = build_config(None, ["data.transpositions=[]", "loss.mask=all", "loss.coefficients.kl=0.5"])
    assert cfg.data.transpositions == [] and cfg.loss.mask == "all"
    assert cfg.loss.coefficients["kl"] == 0.5 and cfg.loss.coefficients["velocity"] == 2.5


@pytest.mark.parametrize(
    "override,field",
    [
        ("train.batch_size=1", "train.batch_size = 1"),
        ("data.pitch_classes=0", "data.pitch_classes = 0"),
        ("data.pich_low=40", "data.pich_low"),
        ("data.pitch_low=120", "pitch_low + pitch_classes must be <= 128"),
        ("data.pitch_classes=8", "needs pitch_classes >= 12"),
        ("model.latent_dim=0", "model.latent_dim = 0"),
        ("train.device=tpu", "train.device = 'tpu'"),
        ("model=3", "model = 3"),
        # sizes that would ask for gigabytes when the model is built (a config.toml from elsewhere)
        ("model.latent_dim=100000000", "model.latent_dim = 100000000: Input should be less than or equal to 256"),
        ("model.hidden=1000000", "model.hidden = 1000000: Input should be less than or equal to 8192"),
        ("train.epochs=1000000000", "train.epochs = 1000000000: Input should be less than or equal to 1000000"),
    ],
)
def test_bad_values_name_the_field(override, field):
    with pytest.raises(ConfigError) as error:
        build_config(None, [override])
    assert field in str(error.value)
    assert "\n" not in str(error.value)


def test_unreadable_or_invalid_toml(tmp_path):
    with pytest.raises(ConfigError, match="cannot read config file"):
        build_config(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[train\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        build_config(bad)


def test_run_config_round_trips_with_provenance(tmp_path):
    cfg = build_config(None, ["train.clip_grad_norm=1.5", "model.hidden=64"])
    run = RunDir(tmp_path)
    run.write_config(cfg, {"mvae": "9.9"}, ["corpus:essen"])
    assert run.read_config() == cfg
    assert run.read_provenance() == {"versions": {"mvae": "9.9"}, "data": ["corpus:essen"]}
    unset = build_config(None, [])
    run.write_config(unset, {}, [])
    assert run.read_config().train.clip_grad_norm is None  # TOML has no null: left out, default on reload


@pytest.mark.parametrize(
    "override,field",
    [
        ("train.lr=inf", "train.lr = inf"),
        ("train.lr=Infinity", "train.lr = inf"),  # a string the float field reads as infinity
        ("loss.coefficients.kl=nan", "loss.coefficients.kl = nan"),
        ("data.max_bpm=inf", "data.max_bpm = inf"),
        ("train.clip_grad_norm=inf", "train.clip_grad_norm = inf"),
        ("plugins.kl_anneal.schedule.end=nan", "plugins.kl_anneal.schedule.end = nan"),
        ("model.melody_rnn.token_dropout=nan", "model.melody_rnn.token_dropout = nan"),
        ("train.lr=nan", "train.lr = nan"),  # nan fails the bound (> 0) first: named as nan, not as too small
        ("data.train_fraction=nan", "data.train_fraction = nan"),
        ("train.clip_grad_norm=nan", "train.clip_grad_norm = nan"),
    ],
)
def test_a_number_that_is_not_finite_is_refused_in_every_section(override, field):
    with pytest.raises(ConfigError, match=rf"^{re.escape(field)}: must be a finite number"):
        build_config(None, [override])


def test_a_run_config_with_a_number_that_is_not_finite_is_refused(tmp_path):
    (tmp_path / "config.toml").write_text("[train]\nlr = inf\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"config.toml: train.lr = inf: must be a finite number"):
        RunDir(tmp_path).read_config()


@pytest.mark.parametrize(
    "overrides,message",
    [
        (["model.seed.hiden=128"], r"model.seed.hiden = 128: unknown setting"),  # model.name is melody_rnn
        (
            ['model.name="seed"', "model.melody_rnn.rnn_hiden=128"],
            r"model.melody_rnn.rnn_hiden = 128: unknown setting; did you mean model.melody_rnn.rnn_hidden\?",
        ),
        (["model.melody_rnn.token_dropout=1.5"], r"model.melody_rnn.token_dropout = 1.5"),
        (["model.melody_rnn.rnn_hidden=100000"], r"model.melody_rnn.rnn_hidden = 100000: .*less than or equal to 4096"),
        (  # a string its float field reads as infinity (a number nan or inf is refused before, in build_config)
            ['model.name="seed"', "model.melody_rnn.pitch_temperature=Infinity"],
            r"model.melody_rnn.pitch_temperature = inf: must be a finite number",
        ),
    ],
)
def test_every_built_in_model_section_is_validated_whichever_model_is_used(overrides, message):
    cfg = build_config(None, overrides)  # the sections are the models' own: checked when the model is resolved
    with pytest.raises(ConfigError, match=message):
        resolve_model(cfg)


@pytest.mark.parametrize(
    "enabled,message",
    [
        ("", "plugins.enabled = '': an empty plugin name"),
        ("kl_anneal,,ts_ramp", "an empty plugin name"),
        ([""], "an empty plugin name"),
        ("all,none", "'none' cannot be combined with other names"),
        (["none", "kl_anneal"], "'none' cannot be combined with other names"),
    ],
)
def test_an_empty_plugin_name_or_none_with_others_is_refused(enabled, message):
    with pytest.raises(ConfigError, match=re.escape(message)):
        build_config(None, [], {"plugins.enabled": enabled})


def test_none_alone_and_an_empty_list_both_mean_no_plugins():
    assert build_config(None, [], {"plugins.enabled": "none"}).plugins.enabled == ["none"]
    assert build_config(None, [], {"plugins.enabled": []}).plugins.enabled == []
    assert build_config(None, [], {"plugins.enabled": " kl_anneal, ts_ramp"}).plugins.enabled == [
        "kl_anneal",
        "ts_ramp",
    ]
