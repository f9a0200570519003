"""One parser of ``key=value`` (:func:`mvae_core.config.split_assignment`) for a config's ``overrides`` and
``mvae schedules preview --set``: it splits at the first ``=`` and strips both sides, and a missing ``=`` or key is
one :class:`ConfigError` that names ``overrides`` (``--set`` on the command line) and the form expected."""

from __future__ import annotations

import pytest

from mvae_core.config import ConfigError, split_assignment


def test_an_assignment_splits_at_its_first_equals_sign_both_sides_stripped():
    assert split_assignment(" train.note = 'a=b' ") == ("train.note", "'a=b'")


@pytest.mark.parametrize(("given", "form"), [("oops", "dotted.key=value"), ("=3", "param=value")])
def test_no_equals_sign_or_no_key_names_the_form_expected(given, form):
    with pytest.raises(ConfigError) as refused:
        split_assignment(given, form)
    assert str(refused.value) == f"overrides expects {form}, got {given!r}"
    assert refused.value.command_line_message() == f"--set expects {form}, got {given!r}"
