"""The files `mvae ablate` reads are read as `mvae train` reads its config: a UTF-8 byte-order mark (Windows' Notepad
writes one) is skipped, a run's `[provenance]` is not a setting; and configuration names that one case-insensitive
disk (macOS's, Windows' by default) would take for one folder are refused."""

from __future__ import annotations

import pytest

from mvae_core.ablation.out_folder import built_configs
from mvae_core.ablation.plan import Configuration, PlanError, read_plan

BOM = "\ufeff"


def test_a_configs_file_with_a_byte_order_mark_is_read(tmp_path) -> None:
    path = tmp_path / "configs.toml"
    path.write_text(f'{BOM}[configs.fast]\nplugins = []\nset = ["train.lr=0.003"]\n', encoding="utf-8")
    assert read_plan(path)[0] == [Configuration("fast", (), ("train.lr=0.003",))]


def test_configuration_names_that_differ_only_in_case_are_refused(tmp_path) -> None:
    path = tmp_path / "configs.toml"
    path.write_text('[configs.fast]\nplugins = []\n[configs.Fast]\nplugins = ["kl_anneal"]\n', encoding="utf-8")
    with pytest.raises(PlanError, match=r"'fast' and 'Fast' differ only in case; .* rename one$"):
        read_plan(path)[0]


def test_a_configs_file_that_is_not_toml_names_itself(tmp_path) -> None:
    path = tmp_path / "configs.toml"
    path.write_text("[configs.a\n", encoding="utf-8")
    with pytest.raises(PlanError, match=rf"^configs file {path} is not valid TOML: "):
        read_plan(path)[0]


def test_a_base_config_with_a_byte_order_mark_and_provenance_gives_its_settings_alone(tmp_path) -> None:
    """It ended in a TOMLDecodeError traceback; a run's config.toml given as --config put its [provenance] into
    every configuration's file."""
    base = tmp_path / "config.toml"
    base.write_text(f'{BOM}[train]\nlr = 0.002\n[provenance]\ndata = ["elsewhere/"]\n', encoding="utf-8")
    built, files = built_configs([Configuration("none", ())], base, [], tmp_path / "abl")
    assert built[0].train.lr == 0.002
    (text,) = files.values()
    assert "provenance" not in text and "lr = 0.002" in text


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("", "the file is empty"),
        ("[a]\nplugins = []\n", "its top level has a"),
        ("configs = []\n", "its top level has configs"),
    ],
    ids=["empty", "table-at-the-top", "configs-not-tables"],
)
def test_a_configs_file_without_configuration_tables_says_the_form(tmp_path, text, found) -> None:
    """An empty file, or tables not under ``[configs.<name>]``, said ``configs: Field required`` (helper-435 F10):
    now the form expected, with an example."""
    path = tmp_path / "configs.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PlanError) as error:
        read_plan(path)
    assert f"no [configs.<name>] table ({found}" in str(error.value)
    assert '[configs.none] plugins = [] and [configs.kl] plugins = ["kl_anneal"]' in str(error.value)
