"""The contract's checks name a model that no package registers yet (an author's unit test of a class before the
package is installed, or a typo in the name): they raised ``KeyError: 'my_model'`` instead of the contract's
message."""

from __future__ import annotations

import pytest

from mvae_core.models import ModelContractError, ModelError, check_terms, model_code


def test_a_check_names_a_model_the_registry_does_not_hold():
    with pytest.raises(
        ModelContractError, match=r"^model 'my_model': loss_terms returned no terms; it must return exactly"
    ):
        check_terms("my_model", {})


def test_model_code_names_it_too():
    with (
        pytest.raises(ModelError, match=r"^model 'my_model': player raised KeyError: 'x'$"),
        model_code("my_model", "player"),
    ):
        {}["x"]
