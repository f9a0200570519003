"""How every public call of :mod:`mvae_core` takes its keyword arguments: a misspelt one is an
:class:`~mvae_core.errors.InputError` with the closest name (:func:`known_keywords`), and settings once taken by
position still are, with a FutureWarning (:func:`keyword_only`). A module of its own, light (no torch), so that
:mod:`mvae_core.session` (``train``) and :mod:`mvae_core.api` (which imports it) decorate their calls alike."""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Callable, Collection, Iterable
from functools import wraps
from typing import Any, TypeVar

from mvae_core.errors import InputError, callers_level
from mvae_core.suggest import closest
from mvae_core.wording import noun_for

Function = TypeVar("Function", bound=Callable[..., Any])


def keyword_only(function: Function) -> Function:
    """``function``'s keyword-only arguments, still taken by position as its old signature did (in the same order)
    with a FutureWarning that names them as keywords: ``generate(run, None, 8)`` meant ``random=8``, but a reader
    cannot tell. The signature, ``help()`` and type checkers show the keyword-only form; from mvae 1.0 a positional
    one is Python's TypeError."""
    signature = inspect.signature(function)
    positional = [p.name for p in signature.parameters.values() if p.kind is p.POSITIONAL_OR_KEYWORD]
    keywords = [p.name for p in signature.parameters.values() if p.kind is p.KEYWORD_ONLY]

    @wraps(function)
    def call(*args: Any, **kwargs: Any) -> Any:
        extra = args[len(positional) :]
        if extra:
            if len(extra) > len(keywords):
                most = len(positional) + len(keywords)
                raise TypeError(f"{function.__name__}() takes at most {most} arguments by position, got {len(args)}")
            named = dict(zip(keywords, extra, strict=False))
            if twice := sorted(set(named) & set(kwargs)):
                raise TypeError(f"{function.__name__}() got multiple values for argument {twice[0]!r}")
            given = ", ".join(f"{name}={value!r}" for name, value in named.items())
            warnings.warn(
                f"mvae_core.{function.__name__}: give {given} by name; taking {', '.join(named)} by position is "
                "deprecated and stops working in mvae 1.0",
                FutureWarning,
                stacklevel=callers_level(),
            )
            args, kwargs = args[: len(positional)], {**named, **kwargs}
        return function(*args, **kwargs)

    return call  # type: ignore[return-value]


def known_keywords(kind: str, unlisted: Collection[str] = ()) -> Callable[[Function], Function]:
    """Refuses a keyword argument the function does not take with an :class:`InputError` that names it and the
    closest one it takes (``unknown generation option 'temprature' (did you mean 'temperature'?); options are …``:
    its keyword-only arguments but the ``unlisted`` old names, or all its arguments when it has none keyword-only,
    ``unknown argument 'runn' (did you mean 'run'?); arguments are run``), where Python raises a TypeError without a
    suggestion; a type checker flags the same call. ``kind`` is the noun in the singular, its last word the noun of
    the list; several unknown keywords read ``unknown generation options 'a', 'b'; …``."""

    def decorate(function: Function) -> Function:
        parameters = inspect.signature(function).parameters
        named = [p.name for p in parameters.values() if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
        keywords = [p.name for p in parameters.values() if p.kind is p.KEYWORD_ONLY and p.name not in unlisted]
        options = sorted(keywords) if keywords else [name for name in named if name not in unlisted]
        listed = noun_for(2, kind.split()[-1])  # "options are …", "arguments are …"

        @wraps(function)
        def call(*args: Any, **kwargs: Any) -> Any:
            if unknown := sorted(set(kwargs) - set(parameters)):
                said = ", ".join(f"{name!r}{_suggestion(name, set(named) - set(unlisted))}" for name in unknown)
                raise InputError(f"unknown {noun_for(len(unknown), kind)} {said}; {listed} are {', '.join(options)}")
            return function(*args, **kwargs)

        return call  # type: ignore[return-value]

    return decorate


def _suggestion(name: str, known: Iterable[str]) -> str:
    """`` (did you mean 'temperature'?)`` for a misspelt option, or nothing when no option is close."""
    match = closest(name, known)
    return f" (did you mean {match!r}?)" if match else ""
