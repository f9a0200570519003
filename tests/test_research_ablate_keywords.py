"""A researcher's misspelt keyword: ``mvae_core.ablate(seed=1)`` was Python's bare TypeError ("got an unexpected
keyword argument 'seed'"), where ``generate`` and ``evaluate`` name the argument and the close one it takes. Now
``ablate`` does as they do, before anything is read or written."""

from __future__ import annotations

import pytest

import mvae_core
from mvae_core.errors import InputError


def test_a_misspelt_keyword_names_the_close_one_and_the_options(tmp_path):
    out = tmp_path / "abl"
    with pytest.raises(InputError, match=r"^unknown ablation option 'seed' \(did you mean 'seeds'\?\); options"):
        mvae_core.ablate(tmp_path, seed=1, out=out)
    assert not out.exists()


def test_every_misspelt_keyword_is_named_and_the_options_are_listed(tmp_path):
    with pytest.raises(InputError) as raised:
        mvae_core.ablate(tmp_path, epoch=2, sedes=3)
    said = str(raised.value)
    assert "'epoch' (did you mean 'epochs'?), 'sedes' (did you mean 'seeds'?)" in said
    assert said.endswith("options are address, config, configs, cpus_per_run, epochs, executor, gpus_per_run, "
                         "init_from, jobs, mode, out, overrides, plugins, report, samples, seeds")  # fmt: skip
