"""Whether an exception is the machine running out of memory, and of which (the host's or a GPU's): the one rule that
:func:`~mvae_core.run_ending.ran_out` (a training that ran out ends in one line and ``failure.json``), a resume's
restore (:meth:`~mvae_core.trainer.Trainer.restore`: a good checkpoint is not called unusable when the device has no
room for it), the command line (:func:`~mvae_core.cli_output.errors_to_exit`: ``mvae generate``, ``evaluate``,
``export``) and the server (a request that ran out is answered, and it serves on) all apply. torch says some of these
in a plain ``RuntimeError``, by its words alone. Code whose own errors are its author's bug, a plugin's hook
(:class:`~mvae_core.host.PluginHost`) or a model's method (:func:`~mvae_core.models.contract.model_code`), does not
name its author for the machine running out: it raises :class:`RanOutIn`, which says where, and the memory's advice
follows (:func:`ran_out_line`, :func:`free`).
"""

from __future__ import annotations

import torch

from mvae_core.files import reason

OUT_OF_MEMORY = {
    "DefaultCPUAllocator: can't allocate memory": "memory",  # torch on Linux and macOS
    "DefaultCPUAllocator: not enough memory": "memory",  # torch on Windows
    "MPS backend out of memory": "GPU memory",  # Apple silicon (a RuntimeError; CUDA's is torch.OutOfMemoryError)
    "CUDA error: out of memory": "GPU memory",  # CUDA's own allocations (its context, a kernel's), not torch's
}
"""What torch's ``RuntimeError`` says when an allocation failed, and what ran out."""


class RanOutIn(RuntimeError):
    """The machine ran out of memory in code whose other errors name its author (``where``: ``in mvae_loss of
    plugin 'x'``, ``in decode_notes of model 'x' (package p)``); its ``__cause__`` is the error as that code raised it
    (:func:`as_raised`). It is no :class:`~mvae_core.errors.MvaeError`: what ends a command in one line is
    what ran out (:func:`memory_ran_out`), wherever it is caught."""

    def __init__(self, where: str) -> None:
        super().__init__(where)
        self.where = where


def memory_ran_out(exc: BaseException) -> str | None:
    """What ``exc`` says the machine ran out of: ``"GPU memory"`` (torch's ``OutOfMemoryError``, or a
    ``RuntimeError`` saying :data:`OUT_OF_MEMORY`'s words for it), ``"memory"`` (a ``MemoryError``, or torch's CPU
    allocator refusing); for a :class:`RanOutIn`, what its cause says (:func:`as_raised`); None for any other
    exception."""
    exc = as_raised(exc)
    if isinstance(exc, torch.OutOfMemoryError):
        return "GPU memory"
    if isinstance(exc, MemoryError):
        return "memory"
    if isinstance(exc, RuntimeError):
        return next((what for said, what in OUT_OF_MEMORY.items() if said in str(exc)), None)
    return None


def as_raised(exc: BaseException) -> BaseException:
    """``exc`` as the code that failed raised it: for a :class:`RanOutIn`, its cause; else ``exc`` itself."""
    return exc.__cause__ if isinstance(exc, RanOutIn) and exc.__cause__ is not None else exc


def memory_words(exc: BaseException) -> str:
    """torch's or Python's words for the memory that ran out (:func:`memory_ran_out`), without torch's long advice,
    and where, for a :class:`RanOutIn`: ``CUDA out of memory. Tried to allocate 20.00 GiB``, ``MemoryError in mvae_loss
    of plugin 'x'``."""
    text = reason(as_raised(exc))
    start = next((text.index(said) for said in OUT_OF_MEMORY if said in text), 0)  # after "[enforce fail at …]"
    words = ". ".join(text[start:].split(". ")[:2]).rstrip(".")
    return f"{words} {exc.where}" if isinstance(exc, RanOutIn) else words


def free(what: str) -> str:
    """The advice to free ``what`` (``"memory"`` or ``"GPU memory"``) that ran out, and who may hold it."""
    return f"free {what} (another {'process' if what == 'GPU memory' else 'program'} may hold it)"


def ran_out_line(exc: BaseException, again: str = "run it again", less: str | None = None) -> str | None:
    """The one line of a command or a request (not a training: :mod:`~mvae_core.run_ending` says those) that ``exc``
    ended by the machine running out of memory (:func:`memory_ran_out`), else None: what ran out, torch's words and
    where (:func:`memory_words`), and what to do: free it and ``again``, or ``less``, what asks less of it at once
    (``fewer points (--random N)``)."""
    if (what := memory_ran_out(exc)) is None:
        return None
    return f"ran out of {what} ({memory_words(exc)}); {free(what)}, then {again}" + (
        f", or ask for less at once: {less}" if less else ""
    )
