"""A package whose ``mvae.schedules`` entry point names a built-in schedule's class under a new name (an alias,
``cosine_decay = "schedules.builtin:Cosine"``) is refused naming the package, the built-in and the fix. Loading it
renamed the built-in in the whole process: every cosine schedule built after it wrote ``name = "cosine_decay"`` into
its spec (a run's config.toml), which a machine without that package cannot read back."""

from __future__ import annotations

import importlib.metadata
import types

import pytest

import schedules
from schedules import ScheduleError, make
from schedules.builtin import Cosine


class Alias:
    """The entry point ``cosine_decay = "schedules.builtin:Cosine"`` of the package ``mvae-aliases``."""

    name = "cosine_decay"
    dist = types.SimpleNamespace(name="mvae-aliases", version="0.1.0")

    def load(self) -> type:
        return Cosine


def test_an_entry_point_naming_a_builtin_schedules_class_is_refused_and_the_builtin_keeps_its_name(monkeypatch):
    monkeypatch.setattr(
        importlib.metadata, "entry_points", lambda group: [Alias()] if group == schedules.ENTRY_POINT_GROUP else []
    )
    with pytest.raises(ScheduleError) as refused:
        make("cosine_decay")
    assert str(refused.value) == (
        "schedule 'cosine_decay' (package mvae-aliases) is the class of the built-in schedule 'cosine' "
        "(schedules.builtin:Cosine); a schedule class has one name: register a subclass of it under the new name"
    )
    assert make("cosine").spec()["name"] == "cosine"
