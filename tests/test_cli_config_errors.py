"""Config mistakes a user makes on the command line: each is a ConfigError naming the key as the user writes it."""

from __future__ import annotations

import pytest

from mvae_core.config import build_config
from mvae_core.errors import ConfigError


@pytest.mark.parametrize(
    ("assignment", "message"),
    [
        ("train.hidden=3", "train.hidden = 3: unknown setting; did you mean model.hidden?"),
        ("epochs=3", "epochs = 3: unknown setting; did you mean train.epochs?"),
        ("data.lr=0.1", "data.lr = 0.1: unknown setting; did you mean train.lr?"),
    ],
)
def test_a_setting_in_the_wrong_section_names_the_section_it_is_in(assignment, message):
    with pytest.raises(ConfigError) as caught:
        build_config(None, [assignment])
    assert str(caught.value) == message


def test_a_bad_list_item_is_named_by_its_index_as_the_non_finite_check_names_it():
    with pytest.raises(ConfigError, match=r"^data\.transpositions\[1\] = 'a': Input should be a valid integer"):
        build_config(None, ['data.transpositions=[1, "a"]'])
    with pytest.raises(ConfigError, match=r"^plugins\.enabled\[0\] = 3: Input should be a valid string"):
        build_config(None, ["plugins.enabled=[3]"])


def test_the_model_sections_store_is_not_offered_as_a_setting():
    with pytest.raises(ConfigError) as caught:
        build_config(None, ["model.bogus=1"])
    assert str(caught.value).endswith(
        "valid here: name, hidden, latent_dim, dropout, leaky_slope, timing_head, timing_bins"
    )


@pytest.mark.parametrize("value", ["3", "{a = 1}", "true"])
def test_a_melody_rule_of_another_type_is_a_config_error_not_a_crash(value):
    with pytest.raises(ConfigError, match=r"^data\.melody.*: give the rule as a string"):
        build_config(None, [f"data.melody={value}"])


def test_a_cache_dir_under_home_is_the_home_folder_not_a_folder_named_tilde(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    config = tmp_path / "c.toml"
    config.write_text('[data]\ncache_dir = "~/mvae-cache"\n')
    assert build_config(config).data.cache_dir == tmp_path / "mvae-cache"
    assert build_config(None, ["data.cache_dir=none"]).data.cache_dir.name == "none"  # still turns the cache off
