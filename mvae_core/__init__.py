"""mvae: train and play a MelodyVAE on your own MIDI, with every training fix a separately toggled plugin.

Plugin authors need only :data:`hookimpl` (see docs/hooks.md).
"""

from mvae_core.hookspecs import hookimpl

__all__ = ["hookimpl"]
