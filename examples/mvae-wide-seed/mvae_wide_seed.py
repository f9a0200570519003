"""wide_seed: mvae's ``seed`` decoder with a wider trunk, the worked example of a third-party model package.

The ``seed`` decoder maps a latent point z through one hidden block (the trunk, ``2 · model.hidden`` wide) to four
heads (onset, velocity, duration, timing), which decode every pitch × step cell at once. ``wide_seed`` makes the trunk
``width · model.hidden`` wide (``[model.wide_seed] width``, 4 by default): more room between the 2-D latent point and
the heads' hidden layers, at the same head sizes. Everything else is the seed's, inherited from
:class:`mvae_core.models.seed.SeedModel`, and keeps working because it reads layer sizes from the layers:

* ``decoder_modules`` (``from_z``, ``heads``: what ``mvae bend`` perturbs), ``decode_for_training``, ``loss_terms``
  (the five core terms), ``predict_cells`` (per-cell ``Decoded``), ``decode_notes`` (notes by mvae's rules),
  ``init_from_data`` (onset and timing biases at the data's rates);
* ``player()``: the seed's numpy player, which folds BatchNorm into the trunk at whatever width it has;
* ``onnx_graph``: the seed's export (``mvae export --onnx``), one call per pattern, format ``mvae-decoder-onnx/1``;
* ``check_options``: every decoding option of the seed (``--poly``, ``--threshold-min/-max`` too).

What this model adds is its ``Settings`` (validated by mvae: a typo or a width out of range exits 2 naming
``model.wide_seed.width``), its ``trunk_width`` (the seed's extension point) and a ``check_config`` that refuses the
seed's ``loss.mask = "all"``.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from mvae_core.config import MvaeConfig
from mvae_core.errors import ConfigError
from mvae_core.models.seed import SeedModel


class WideSeed(SeedModel):
    """The seed decoder with a trunk ``width · model.hidden`` wide (the seed's is 2 · hidden)."""

    name = "wide_seed"  # for this code; mvae knows the model by its entry-point name (pyproject.toml)
    description = "The seed decoder with a wider trunk: width × hidden units between z and the four heads"

    class Settings(BaseModel):
        """``[model.wide_seed]``: ``mvae models`` lists each field with its type, default and description."""

        model_config = ConfigDict(extra="forbid")
        width: int = Field(
            default=4, ge=3, le=16, description="Trunk width as a multiple of model.hidden (the seed's is 2)."
        )

    settings: Settings  # what mvae hands __init__: this model's validated Settings (MelodyModel says BaseModel | Any)

    def trunk_width(self) -> int:
        """The seed's extension point: its ``__init__`` builds the trunk and the heads' inputs this wide."""
        return self.settings.width * self.cfg.hidden

    @classmethod
    def check_config(cls, cfg: MvaeConfig) -> None:
        """Refuse ``loss.mask = "all"``: the seed keeps it to reproduce its ancestor (squared errors at every cell
        pull velocity, duration and timing towards 0 by the onset rate, bug D7); this model has no ancestor to
        reproduce. Checked before any data is read; a :class:`ConfigError` names the setting and the fix."""
        if cfg.loss.mask != "notes":
            raise ConfigError(
                f"loss.mask = {cfg.loss.mask!r}: wide_seed learns velocity, duration and timing at the notes only; "
                "remove the setting, or use model.name = 'seed'"
            )
