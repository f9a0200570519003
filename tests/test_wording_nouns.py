"""A noun whose count a message gives another way reads in the singular for one and in the plural for several
(:func:`mvae_core.wording.noun_for`, the plural rule :func:`mvae_core.wording.counted` uses too), and so do the
messages that said ``term(s)``, ``plugin(s)``, ``beat(s)``, ``note(s) … have`` before."""

from __future__ import annotations

import mido
import pytest

from mvae_core.config import build_config
from mvae_core.data.diagnostics import _shifted_bars
from mvae_core.data.midi import _no_notes_detail
from mvae_core.errors import ConfigError, InputError, ResumeRefused
from mvae_core.keywords import known_keywords
from mvae_core.run import RunDir
from mvae_core.run_files import CONFIG
from mvae_core.run_plugins import check_plugins_given_back
from mvae_core.trainer import NonFiniteLoss
from mvae_core.wording import counted, noun_for


def test_a_noun_alone_is_singular_for_one_and_plural_otherwise():
    assert [noun_for(n, "term") for n in (0, 1, 2)] == ["terms", "term", "terms"]
    assert noun_for(1, "index", "indices") == "index" and noun_for(2, "index", "indices") == "indices"


def test_counted_follows_the_same_rule():
    assert all(counted(n, "beat") == f"{n} {noun_for(n, 'beat')}" for n in (0, 1, 2, 3))


def test_the_pickup_warning_counts_its_beats_in_words():
    """It said ``the bar lines may be 1 beat(s) off``."""
    assert "the bar lines may be 1 beat off, " in _shifted_bars("evidence", 1, editable=True)[1]
    assert "the bar lines may be 3 beats off, " in _shifted_bars("evidence", 3, editable=True)[1]


def test_unknown_loss_terms_are_counted_in_the_noun():
    """It said ``unknown loss term(s) ['foo']``."""
    with pytest.raises(ConfigError, match=r"unknown loss term \['foo'\]\. Terms: "):
        build_config(None, ["loss.coefficients.foo=1"])
    with pytest.raises(ConfigError, match=r"unknown loss terms \['bar', 'foo'\]\. Terms: "):
        build_config(None, ["loss.coefficients.foo=1", "loss.coefficients.bar=1"])


def test_a_resume_given_plugins_the_run_was_not_trained_with_counts_them_in_the_noun(tmp_path):
    """It said ``was not trained with plugin(s) extra``."""
    (tmp_path / CONFIG).write_text("[train]\nepochs = 1\n")
    cfg = build_config(None, ["plugins.enabled=[]"])
    with pytest.raises(ResumeRefused, match=r"was not trained with plugin extra; a resume keeps its plugins"):
        check_plugins_given_back(cfg, RunDir(tmp_path), {"extra": object()}, None)
    with pytest.raises(ResumeRefused, match=r"was not trained with plugins extra, more; a resume keeps its plugins"):
        check_plugins_given_back(cfg, RunDir(tmp_path), {"extra": object(), "more": object()}, None)


def test_a_non_finite_loss_counts_its_terms_in_the_noun():
    """It said ``term(s) total`` and ``term(s) kl, total``."""
    assert str(NonFiniteLoss(0, 1, ["total"])) == "non-finite loss in epoch 1, step 2, term total"
    assert str(NonFiniteLoss(0, 1, ["kl", "total"])) == "non-finite loss in epoch 1, step 2, terms kl, total"


def test_unknown_keywords_are_counted_in_the_noun():
    """It said ``unknown generation option(s) 'b'``."""

    @known_keywords("generation option")
    def generate(*, seed: int = 0) -> int:
        return seed

    with pytest.raises(InputError, match=r"^unknown generation option 'b'; options are seed$"):
        generate(b=1)
    with pytest.raises(InputError, match=r"^unknown generation options 'a', 'b'; options are seed$"):
        generate(a=1, b=1)


def test_a_file_without_notes_counts_its_tracks_and_events_in_words():
    """It said ``no note-on in its 1 track(s); it holds 2 clock(s), 1 control change(s)``."""
    track = mido.MidiTrack([mido.Message("clock"), mido.Message("clock"), mido.Message("control_change")])
    assert _no_notes_detail([track]) == "no note-on in its 1 track; it holds 2 clock messages, 1 control change"
