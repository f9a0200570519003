"""The names a model gives in ``added_terms()`` follow a plugin's term's rule (``host.term_name_problem``), are no
core term's and no label of the epoch line: refused as the model is built, before any data is read, naming the model,
its package and the name. Before, ``total`` lost the term's recorded number to the loss's total, ``kl`` passed the
terms' set check beside the core ``kl``, ``a.b`` was recorded as ``train.a.b`` (split at the dot by ``mvae plot``) and
``elbo`` or ``loss`` showed on the epoch line as a second column of that label, meaning another number."""

from __future__ import annotations

import pytest

import mvae_core
import mvae_core.session
from mvae_core.config import build_config
from mvae_core.models import ModelContractError, build_model, check_added_terms
from mvae_core.models.seed import SeedModel
from tests.test_models import _installed, tiny
from tests.training import TINY


def _adding(name: str) -> type[SeedModel]:
    class Adding(SeedModel):
        def added_terms(self):
            return (name,)

        def loss_terms(self, x, output, mask):
            terms = super().loss_terms(x, output, mask)
            return terms | {name: 0.5 * terms["onset"]}

    return Adding


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("total", "use a non-empty name other than 'total'"),
        ("kl", "a core term's name (onset, velocity, duration, timeshift, kl), which loss_terms returns anyway"),
        ("a.b", "a term's name has no dot or surrounding spaces"),
        (" aux", "a term's name has no dot or surrounding spaces"),
        ("loss", "a label the epoch line shows of its own (loss, val, elbo, on, vel, dur, ts, f1, rhythm, spread"),
        (
            "elbo",
            "a label the epoch line shows of its own (loss, val, elbo, on, vel, dur, ts, f1, rhythm, spread, au, "
            "w, lr), which the term would share; use another name, e.g. 'elbo_term'",
        ),
    ],
)
def test_an_added_term_name_no_term_may_have_is_refused_before_any_data(monkeypatch, synth_dir, tmp_path, name, why):
    _installed(monkeypatch, "adding", _adding(name))

    def read(*args, **kwargs):
        raise AssertionError("the data was read before the model's terms were checked")

    monkeypatch.setattr(mvae_core.session, "prepare_data", read)
    with pytest.raises(ModelContractError) as error:
        mvae_core.train([synth_dir], tmp_path / "run", overrides=[*TINY, 'model.name="adding"'], progress=False)
    message = str(error.value)
    assert message.startswith(f"model 'adding' (package mvae-x): added_terms names the term {name!r}: {why}"), message
    assert message.endswith(
        "; name it otherwise, in added_terms and loss_terms alike (docs/models.md, Writing a model)"
    )
    assert not (tmp_path / "run").exists()


def test_a_good_added_name_builds_and_a_non_string_is_refused(monkeypatch):
    _installed(monkeypatch, "adding", _adding("aux"))
    assert build_model(build_config(None, tiny("adding"))).added_terms() == ("aux",)
    with pytest.raises(ModelContractError, match=r"added_terms returned \['aux', 3\]; it must return a tuple of"):
        check_added_terms("adding", ["aux", 3])
