"""interpolate and map take generate's note rules: the ancestor's onset thresholds and ``--poly`` (a seed run's)."""

from __future__ import annotations

from pathlib import Path

import pretty_midi
import pytest
from typer.testing import CliRunner

import mvae_core
from mvae_core.cli import app
from mvae_core.generation import DecodeOptions
from mvae_core.run import RunDir
from mvae_core.tools.latent_map import plane_points
from tests.training import SEED, TINY

runner = CliRunner()


def mvae(*args: object):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def seed_run(synth_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("seed-run") / "run"
    mvae_core.train([synth_dir], out, overrides=[*TINY, SEED], epochs=2, progress=False)
    return out


def _notes(path: Path) -> list[tuple[float, int, int]]:
    midi = pretty_midi.PrettyMIDI(str(path))
    return [(n.start, n.pitch, n.velocity) for instrument in midi.instruments for n in instrument.notes]


def test_interpolate_decodes_with_the_onset_thresholds_as_generate_does(seed_run, tmp_path):
    """interpolate had no --threshold-min/--threshold-max, so a musician who found a sound with them in generate
    could not walk from it."""
    thresholds = ["--threshold-min", 0.01, "--threshold-max", 0.9, "--timing-temperature", 0]
    done = mvae(
        "interpolate", seed_run, "--from", "-1,0", "--to", "1,0", "--steps", 2, "--out", tmp_path / "i", *thresholds
    )
    assert done.exit_code == 0, done.output
    for point, name in (("-1,0", "000_z_-1.00_+0.00.mid"), ("1,0", "001_z_+1.00_+0.00.mid")):
        single = tmp_path / f"g{point}.mid"
        assert mvae("generate", seed_run, "--z", point, "--out", single, *thresholds).exit_code == 0
        assert _notes(tmp_path / "i" / name) == _notes(single) != []
    plain = mvae("interpolate", seed_run, "--from", "-1,0", "--to", "1,0", "--steps", 2, "--out", tmp_path / "p")
    assert plain.exit_code == 0
    assert [_notes(f) for f in sorted((tmp_path / "p").glob("*.mid"))] != [
        _notes(f) for f in sorted((tmp_path / "i").glob("*.mid"))
    ]


def test_map_draws_chords_with_poly(seed_run, tmp_path):
    """map had no --poly: a seed run's chords could be generated but not seen on the plane."""
    done = mvae("map", seed_run, "--out", tmp_path / "map.png", "--grid", 3, "--poly")
    assert done.exit_code == 0, done.output
    model, cfg = RunDir(seed_run).load_model()
    _, points = plane_points(3, 2.0, cfg.model.latent_dim)
    options = DecodeOptions(poly=True, temperature=0.0, timing_temperature=0.0)
    notes = sum(len(loop) for loop in model.eval().decode_notes(points, options))
    assert f"(3×3 cells, {notes} notes:" in done.output


def test_a_melody_rnn_run_refuses_poly_and_thresholds_in_map_and_interpolate_by_name(tiny_run, tmp_path):
    done = mvae("map", tiny_run, "--out", tmp_path / "map.png", "--poly")
    assert done.exit_code == 2 and "--poly: melody_rnn writes one note per step" in done.output
    args = ["interpolate", tiny_run, "--from", "0,0", "--to", "1,1", "--out", tmp_path / "i", "--threshold-min", 0.2]
    done = mvae(*args)
    assert done.exit_code == 2 and "--threshold-min/--threshold-max: melody_rnn has no per-cell" in done.output


def test_a_melody_rnn_run_refuses_poly_from_python_by_its_argument_name(tiny_run):
    """``generate(poly=True)`` was refused as ``--poly: …``, an option a Python caller never gave."""
    import mvae_core
    from mvae_core.models.base import UnsupportedOption

    with pytest.raises(UnsupportedOption, match=r"^poly: melody_rnn writes one note per step") as caught:
        mvae_core.generate(tiny_run, random=1, poly=True)
    assert caught.value.command_line_message().startswith("--poly: melody_rnn writes one note per step")
    with pytest.raises(UnsupportedOption, match=r"^threshold_min/threshold_max: melody_rnn has no per-cell"):
        mvae_core.generate(tiny_run, random=1, threshold_min=0.2)
