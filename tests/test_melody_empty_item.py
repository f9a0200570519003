"""An empty item of a melody rule (``--melody "top-line,"``) is refused as an empty plugin name is, not skipped
(helper-435 F10): a trailing comma may be a selector left out."""

from __future__ import annotations

import pytest

from mvae_core.config import ConfigError, build_config


@pytest.mark.parametrize("rule", ["top-line,", ",top-line", "name:vocal,,top-line", ["top-line", " "]])
def test_an_empty_rule_item_is_refused(rule):
    with pytest.raises(ConfigError) as refused:
        build_config(None, [], {"data.melody": rule})
    assert "an empty rule item; give the rule's items separated by commas (e.g. name:vocal, top-line)" in str(
        refused.value
    )


def test_a_rule_with_spaces_after_its_commas_is_read():
    assert build_config(None, [], {"data.melody": "name:vocal, top-line"}).data.melody == ["name:vocal", "top-line"]
