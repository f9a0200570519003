"""free_bits: stop pressing on the KL term while the validation KL is below a floor of `nats`.

Kingma et al. (2016, "Improved variational inference with inverse autoregressive flow") replace the KL term of
each minibatch by max(λ, KL) per group of latent dimensions, so no gradient pushes a group's KL below λ. An mvae
plugin cannot do that: the hook contract lets it set one loss-weight multiplier per term and epoch, not change
the loss expression. This plugin is therefore an epoch-level approximation over the whole KL: when the previous
epoch's validation KL (nats per loop, summed over latent dimensions) was below `nats`, the KL multiplier of the
next epoch is 0; otherwise it is 1. The first epoch of a run always presses (multiplier 1). The multiplier
multiplies with those of other plugins (e.g. a KL warm-up). `val_elbo` is unaffected, as for every plugin.
"""

from __future__ import annotations

import math

from pydantic import BaseModel, ConfigDict, Field

from mvae_core import hookimpl


class FreeBits:
    """Free bits (epoch-level): KL multiplier 0 for an epoch after one whose validation KL was below `nats`."""

    class Config(BaseModel):
        model_config = ConfigDict(extra="forbid")
        nats: float = Field(2.0, ge=0, description="KL floor in nats per loop; below it the next epoch drops the KL.")

    def __init__(self, config: Config | None = None) -> None:
        self.config = config or self.Config()
        self.last_kl: float | None = None  # validation KL of the last finished epoch

    def pressing(self) -> bool:
        """Whether the KL term counts in the next epoch (NaN or unknown KL: it counts)."""
        return self.last_kl is None or math.isnan(self.last_kl) or self.last_kl >= self.config.nats

    @hookimpl
    def mvae_loss_weights(self, epoch: int) -> dict[str, float]:
        return {"kl": 1.0 if self.pressing() else 0.0}

    @hookimpl
    def mvae_epoch_end(self, trainer, metrics) -> None:
        was = self.pressing()
        self.last_kl = float(metrics["val"]["kl"])
        if self.pressing() != was:
            state = "on again" if self.pressing() else "off"
            trainer.emit(f"val KL {self.last_kl:.3f} vs floor {self.config.nats} nats: KL term {state}", "info")

    @hookimpl
    def mvae_state_dict(self) -> dict[str, float | None]:
        return {"last_kl": self.last_kl}

    @hookimpl
    def mvae_load_state_dict(self, state) -> None:
        self.last_kl = state["last_kl"]
