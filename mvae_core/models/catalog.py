"""The model catalog: what ``mvae models`` lists, as data, for a notebook or a program as well as the command line
(:func:`catalog`; the plugins' is :func:`mvae_core.plugin_catalog.catalog`), without the command line's modules."""

from __future__ import annotations

from typing import Any

from mvae_core import models
from mvae_core.config import ModelConfig
from mvae_core.plugin_catalog import config_fields


def catalog() -> list[dict[str, Any]]:
    """One entry per registered model: ``name``, ``version``, ``origin``, ``default`` (whether ``[model] name``
    defaults to it), ``description``, ``settings`` (its ``[model.<name>]`` fields) and ``error`` (or None: a model
    whose code cannot be imported is listed with its error, not raised). What a model's code prints as it is
    imported goes to stderr."""
    default = ModelConfig().name
    entries = []
    for info in models.available_models().values():  # looked up at each call, as the registry is
        entry: dict[str, Any] = {"name": info.name, "version": info.version, "origin": info.origin}
        entry |= {"default": info.name == default, "description": "", "settings": [], "error": None}
        try:
            cls = info.model_class()  # what its code prints as it is imported goes to stderr
            entry |= {"description": cls.description, "settings": config_fields(cls.Settings)}
        except models.ModelError as exc:
            entry["error"] = str(exc)
        entries.append(entry)
    return entries
