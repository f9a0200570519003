"""A plugin setting's refusal names the fix a user can type."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ConfigDict, ValidationError

from mvae_core.config import format_validation_error


class Config(BaseModel):
    model_config = ConfigDict(extra="forbid")
    pair: tuple[float, float] = (0.1, 0.2)


def test_a_tuple_setting_given_too_few_items_says_which_is_missing() -> None:
    with pytest.raises(ValidationError) as refused:
        Config.model_validate({"pair": [1]})
    assert format_validation_error(refused.value, "plugins.x.", Config) == (
        "plugins.x.pair = [1]: item [1] is missing; give all the items (--set 'plugins.x.pair=[…]')"
    )
