"""mvae_step_end's ``losses``, as docs/hooks.md describes them: the terms unweighted, ``total`` weighted by the
coefficients and the step's multipliers (the page said neither, so a logger's step/total did not add up to its
terms, with no word why)."""

from __future__ import annotations

from pathlib import Path

import pytest

import mvae_core
from mvae_core import hookimpl
from tests.training import TINY

PAGE = Path(__file__).resolve().parents[1] / "docs" / "hooks.md"


class HalfKl:
    """Halves the KL term every step and keeps every step's losses and coefficients."""

    def __init__(self) -> None:
        self.steps: list[tuple[dict[str, float], dict[str, float]]] = []

    @hookimpl
    def mvae_step_start(self):
        return {"kl": 0.5}

    @hookimpl
    def mvae_loss(self, output):
        return {"mu_l2": output.mu.float().pow(2).sum(dim=1).mean()}

    @hookimpl
    def mvae_step_end(self, trainer, losses):
        self.steps.append((dict(losses), dict(trainer.config.loss.coefficients)))


def test_the_page_says_the_terms_are_unweighted_and_the_total_weighted():
    argument = PAGE.read_text(encoding="utf-8").split("## mvae_step_end(", 1)[1].split("- `losses` - ", 1)[1]
    argument = " ".join(argument.split("\n- ", 1)[0].split())
    assert "unweighted" in argument and "`total`, the weighted sum" in argument and "multipliers" in argument


def test_the_total_a_step_reports_is_its_terms_weighted_by_coefficients_and_multipliers(synth_dir, tmp_path):
    probe = HalfKl()
    mvae_core.train([synth_dir], tmp_path / "run", overrides=TINY, epochs=1, plugins=[probe], progress=False)
    assert probe.steps
    for losses, coefficients in probe.steps:
        terms = {term: value for term, value in losses.items() if term != "total"}
        weighted = sum(coefficients.get(t, 1.0) * (0.5 if t == "kl" else 1.0) * v for t, v in terms.items())
        assert "mu_l2" in terms and losses["total"] == pytest.approx(weighted, rel=1e-5)
        assert losses["total"] != pytest.approx(sum(terms.values()), rel=1e-5)
