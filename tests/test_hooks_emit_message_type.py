"""``trainer.emit`` takes a message string: a number given to it (meant for ``record``) was written to the epoch's
events as the text ``3.5`` and shown as a warning, with nothing in ``metrics.jsonl``."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from mvae_core.config import MvaeConfig
from mvae_core.view import TrainerView


def _view() -> TrainerView:
    model = torch.nn.Linear(1, 1)
    return TrainerView(MvaeConfig(), model, torch.optim.SGD(model.parameters()), None, epochs=1, steps_per_epoch=1)


@pytest.mark.parametrize("number", [3.5, 2, np.float32(0.5), torch.tensor(1.0)])
def test_a_number_given_to_emit_is_refused_pointing_to_record(number) -> None:
    with pytest.raises(TypeError, match=r"emit\(\) takes the message as a string, got .*use trainer\.record\(key, v"):
        _view().emit(number)


def test_another_object_is_refused_without_the_record_hint() -> None:
    with pytest.raises(TypeError, match=r"got dict \{'a': 1\}$"):
        _view().emit({"a": 1})


def test_a_string_is_recorded_as_given() -> None:
    view = _view()
    view.emit("ramp longer than the run")
    assert view._outbox.events == [
        {"source": view._outbox.speaker, "level": "warning", "message": "ramp longer than the run"}
    ]
