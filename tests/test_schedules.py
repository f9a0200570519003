"""Named schedules: pure and picklable, exact values, validation with named errors, third-party entry points, and
the `mvae schedules` command (list, preview, plot)."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import math
import pickle
import sys
import tomllib
from pathlib import Path

import pytest
import tomli_w
from pydantic import Field, ValidationError
from typer.testing import CliRunner

from mvae_core.cli import app
from schedules import (
    ENTRY_POINT_GROUP,
    Schedule,
    ScheduleError,
    available,
    from_spec,
    load,
    make,
    register,
    validate_spec,
)

runner = CliRunner()

# Parameter sets for every built-in (defaults first); the purity, pickle and spec tests run on all of them.
EXAMPLES: dict[str, list[dict]] = {
    "constant": [{}, {"value": 0.3}],
    "linear": [{}, {"start": 1 / 15, "end": 1.0, "epochs": 14}, {"start": 2.0, "end": -1.0, "epochs": 3.5, "delay": 4}],
    "step": [{}, {"initial": 1e-3, "factor": 0.98, "every": 8}],
    "exponential": [{}, {"initial": 2.0, "rate": 1.1}],
    "cosine": [{}, {"start": 0.0, "end": 1.0, "epochs": 10, "delay": 2}],
    "cyclical": [{}, {"period": 10, "cycles": 2, "ratio": 1.0, "low": 0.1, "high": 0.9}],
    "chain": [
        {"parts": [{"schedule": {"name": "constant"}}]},
        {
            "parts": [
                {"epochs": 5, "schedule": {"name": "linear", "epochs": 5}},
                {"epochs": 2.5, "schedule": {"name": "constant"}},
                {"schedule": {"name": "cosine", "epochs": 10}},
            ]
        },
        {
            "parts": [
                {"epochs": 4, "schedule": {"name": "linear", "epochs": 4}},
                {"epochs": 9, "schedule": {"name": "step"}},
            ]
        },
    ],
}
EPOCHS = [0, 0.25, 1, 2.5, 4, 4.999, 5, 7.5, 10, 12.5, 16, 19.9, 20, 25, 50, 99.5, 100, 150, 1000]


def examples() -> list[Schedule]:
    built = []
    for name, cls in available().items():
        if name not in EXAMPLES:
            try:
                built.append(cls())
            except ValidationError:
                pytest.fail(f"schedule {name!r} needs parameters: add an example to EXAMPLES in {__file__}")
        built.extend(make(name, **params) for params in EXAMPLES.get(name, []))
    return built


def ids(schedule: Schedule) -> str:
    return json.dumps(schedule.spec(), separators=(",", ":"))


def test_every_builtin_has_examples():
    from schedules import builtin  # noqa: F401

    assert set(EXAMPLES) == {"constant", "linear", "step", "exponential", "cosine", "cyclical", "chain"}
    assert set(EXAMPLES) <= set(available())


@pytest.mark.parametrize("schedule", examples(), ids=ids)
def test_every_schedule_is_pure(schedule):
    """Guideline 9: called twice (and in another order) a schedule gives the same values; it keeps no state."""
    first = [schedule(e) for e in EPOCHS]
    second = [schedule(e) for e in reversed(EPOCHS)][::-1]
    assert first == second
    fresh = from_spec(schedule.spec())
    assert first == [fresh(e) for e in EPOCHS]  # a fresh instance agrees
    assert all(isinstance(v, float | int) and math.isfinite(v) for v in first)


@pytest.mark.parametrize("schedule", examples(), ids=ids)
def test_every_schedule_pickles_and_round_trips_its_spec(schedule):
    copy = pickle.loads(pickle.dumps(schedule))
    assert copy == schedule and type(copy) is type(schedule)
    assert [copy(e) for e in EPOCHS] == [schedule(e) for e in EPOCHS]
    assert from_spec(schedule.spec()) == schedule
    # A plugin config holding the spec is written into config.toml and read back on resume.
    toml_spec = tomllib.loads(tomli_w.dumps({"schedule": schedule.spec()}))["schedule"]
    assert from_spec(toml_spec) == schedule
    assert validate_spec(schedule.spec()) == schedule.spec()


def test_schedules_are_immutable():
    schedule = make("linear")
    with pytest.raises(ValidationError, match="frozen"):
        schedule.epochs = 3


# --- exact values ---------------------------------------------------------------------------------------------


def test_linear_default_is_the_seed_kl_ramp():
    schedule = make("linear")
    assert schedule(5) == 0.25
    assert [schedule(e) for e in range(41)] == pytest.approx([min(1.0, e / 20) for e in range(41)])
    assert schedule.end_epoch() == 20


def test_linear_in_the_ts_ramp_form_is_epoch_plus_one_over_fifteen():
    schedule = make("linear", start=1 / 15, end=1.0, epochs=14)
    assert schedule(4) == pytest.approx(5 / 15)
    assert [schedule(e) for e in range(30)] == pytest.approx([min(1.0, (e + 1) / 15) for e in range(30)])


def test_linear_delay_and_fractional_epochs():
    schedule = make("linear", start=1.0, end=3.0, epochs=4, delay=2)
    assert [schedule(e) for e in (0, 2, 2.5, 4, 6, 9)] == pytest.approx([1.0, 1.0, 1.25, 2.0, 3.0, 3.0])
    assert schedule.end_epoch() == 6


def test_step_is_the_seed_learning_rate_decay():
    schedule = make("step", initial=1e-3, factor=0.98, every=8)
    assert schedule(16) == pytest.approx(1e-3 * 0.98**2, rel=1e-12)
    assert schedule(7.99) == 1e-3 and schedule(8) == pytest.approx(1e-3 * 0.98) and schedule(15.5) == schedule(8)
    assert schedule.end_epoch() is None


def test_cosine_endpoints_and_midpoint():
    schedule = make("cosine", start=1.0, end=0.0, epochs=10, delay=5)
    assert schedule(0) == schedule(5) == 1.0
    assert schedule(10) == pytest.approx(0.5)
    assert schedule(15) == pytest.approx(0.0, abs=1e-12) and schedule(40) == pytest.approx(0.0, abs=1e-12)
    assert schedule(7.5) == pytest.approx((1 + math.cos(math.pi / 4)) / 2)
    assert make("cosine", start=0.0, end=2.0, epochs=4)(2) == pytest.approx(1.0)
    assert schedule.end_epoch() == 15


def test_exponential():
    schedule = make("exponential", initial=2.0, rate=0.5)
    assert schedule(0) == 2.0 and schedule(3) == 0.25 and schedule(0.5) == pytest.approx(2 * math.sqrt(0.5))
    assert make("exponential")(10) == pytest.approx(0.95**10)
    assert schedule.end_epoch() is None


def frange_cycle_linear(n_iter, start=0.0, stop=1.0, n_cycle=4, ratio=0.5):
    """Fu et al. (2019), haofuml/cyclical_annealing, transcribed without numpy."""
    values = [stop] * n_iter
    period = n_iter / n_cycle
    step = (stop - start) / (period * ratio)
    for c in range(n_cycle):
        v, i = start, 0
        while v <= stop and int(i + c * period) < n_iter:
            values[int(i + c * period)] = v
            v += step
            i += 1
    return values


@pytest.mark.parametrize("cycles,ratio", [(4, 0.5), (2, 0.25), (5, 1.0)])
def test_cyclical_matches_fu_et_al(cycles, ratio):
    schedule = make("cyclical", period=100 / cycles, cycles=cycles, ratio=ratio)
    expected = frange_cycle_linear(100, n_cycle=cycles, ratio=ratio)
    assert [schedule(e) for e in range(100)] == pytest.approx(expected)


def test_cyclical_rises_holds_restarts_and_ends_high():
    schedule = make("cyclical", period=25, cycles=4, ratio=0.5, low=0.0, high=1.0)
    assert [schedule(e) for e in (0, 6.25, 12.5, 20, 24.9)] == pytest.approx([0, 0.5, 1, 1, 1])  # rise, hold
    assert [schedule(e) for e in (25, 31.25, 37.5)] == pytest.approx([0, 0.5, 1])  # the second cycle restarts
    assert [schedule(e) for e in (75, 87.5, 99.9)] == pytest.approx([0, 1, 1])  # the fourth and last
    assert schedule(100) == schedule(101) == schedule(1e6) == 1.0  # after the last cycle: high, no fifth rise
    assert schedule.end_epoch() == 100
    other = make("cyclical", low=0.2, high=0.6, period=4, cycles=1, ratio=0.5)
    assert [other(e) for e in (0, 1, 2, 3, 4, 5)] == pytest.approx([0.2, 0.4, 0.6, 0.6, 0.6, 0.6])


def test_chain_runs_parts_one_after_another():
    warmup_then_decay = make(
        "chain",
        parts=[
            {"epochs": 5, "schedule": {"name": "linear", "epochs": 5}},
            {"schedule": {"name": "cosine", "start": 1.0, "end": 0.0, "epochs": 10}},
        ],
    )
    assert [warmup_then_decay(e) for e in (0, 2.5, 4.999)] == pytest.approx([0, 0.5, 0.9998])
    assert [warmup_then_decay(e) for e in (5, 10, 15, 100)] == pytest.approx([1.0, 0.5, 0.0, 0.0], abs=1e-12)
    assert warmup_then_decay.end_epoch() == 15
    # each part sees its own epochs from 0; fractional epochs cross the boundary exactly
    three = make(
        "chain",
        parts=[
            {"epochs": 2.5, "schedule": {"name": "constant", "value": 7.0}},
            {"epochs": 4, "schedule": {"name": "linear", "start": 0.0, "end": 4.0, "epochs": 4}},
            {"schedule": {"name": "step", "initial": 1.0, "factor": 0.5, "every": 1}},
        ],
    )
    assert [three(e) for e in (0, 2.4, 2.5, 3.5, 6.25, 6.5, 7.5, 9.5)] == pytest.approx(
        [7, 7, 0, 1, 3.75, 1, 0.5, 0.125]
    )
    assert three.end_epoch() is None  # the last part decays for ever


def test_chain_holds_the_last_parts_value_after_its_epochs():
    held = make(
        "chain",
        parts=[
            {"epochs": 5, "schedule": {"name": "constant", "value": 1.0}},
            {"epochs": 10, "schedule": {"name": "linear", "start": 1.0, "end": 0.0, "epochs": 20}},
        ],
    )
    assert held(10) == pytest.approx(0.75)
    assert held(15) == held(30) == pytest.approx(0.5)  # held, not running on to 0
    assert held.end_epoch() == 15
    step = make("chain", parts=[{"epochs": 3, "schedule": {"name": "step", "every": 1}}])
    assert step.end_epoch() == 3 and step(3) == step(50) == 0.125


def test_chain_builds_its_parts_once(monkeypatch):
    """Per-step use calls a chain thousands of times: it must not look names up among the entry points each time."""
    chain = make(
        "chain", parts=[{"epochs": 2, "schedule": {"name": "linear", "epochs": 2}}, {"schedule": {"name": "step"}}]
    )

    def no_lookup(*args):
        raise AssertionError("a schedule looked up by name while evaluating a built chain")

    monkeypatch.setattr("schedules.names", no_lookup)  # what make() and from_spec() look names up with
    monkeypatch.setattr("schedules.load", no_lookup)
    assert [chain(e) for e in (0.5, 1, 3, 25)] == pytest.approx([0.25, 0.5, 1.0, 0.25])
    assert chain.end_epoch() is None


# --- validation and errors ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,params,message",
    [
        ("linear", {"epochs": 0}, r"schedule 'linear': epochs: Input should be greater than 0"),
        ("cosine", {"epochs": -5}, r"schedule 'cosine': epochs: Input should be greater than 0"),
        ("linear", {"delay": -1}, r"delay: Input should be greater than or equal to 0"),
        ("linear", {"epochs": "long"}, r"epochs: Input should be a valid number"),
        ("cyclical", {"ratio": 1.5}, r"schedule 'cyclical': ratio: Input should be less than or equal to 1"),
        ("cyclical", {"ratio": 0}, r"ratio: Input should be greater than 0"),
        ("cyclical", {"cycles": 0}, r"cycles: Input should be greater than or equal to 1"),
        ("step", {"factor": 0}, r"schedule 'step': factor: Input should be greater than 0"),
        ("step", {"every": 0}, r"every: Input should be greater than 0"),
        ("exponential", {"rate": -1}, r"rate: Input should be greater than 0"),
        (
            "linear",
            {"lenght": 3},
            r"lenght: unknown parameter; parameters of 'linear': start, end, epochs, delay$",
        ),
        ("chain", {}, r"schedule 'chain': parts: Field required"),
        ("chain", {"parts": []}, r"parts: List should have at least 1 item"),
        ("constant", {"value": float("nan")}, r"schedule 'constant': value = nan: must be a finite number"),
        ("linear", {"start": float("inf")}, r"schedule 'linear': start = inf: must be a finite number"),
        ("step", {"factor": "Infinity"}, r"schedule 'step': factor = inf: must be a finite number"),
    ],
)
def test_bad_parameters_name_the_parameter(name, params, message):
    with pytest.raises(ScheduleError, match=message):
        make(name, **params)


@pytest.mark.parametrize(
    "parts,message",
    [
        (
            [{"schedule": {"name": "constant"}}, {"epochs": 3, "schedule": {"name": "constant"}}],
            r"part 0 needs 'epochs' \(only the last part may run on for ever\)",
        ),
        (
            [{"epochs": 2, "schedule": {"name": "constant"}}, {"epochs": 0, "schedule": {"name": "constant"}}],
            r"part 1: epochs must be a number > 0, got 0",
        ),
        ([{"epochs": "ten", "schedule": {"name": "constant"}}], r"part 0: epochs must be a number > 0, got 'ten'"),
        ([{"epochs": 3}], r"part 0 needs a 'schedule' \(and 'epochs'\), got keys \['epochs'\]"),
        ([{"epochs": 3, "schedule": {"name": "constant"}, "delay": 1}], r"part 0 needs a 'schedule'.*'delay'"),
        ([{"schedule": {"name": "cosin"}}], r"unknown schedule 'cosin'; did you mean 'cosine'\?"),
        ([{"schedule": {"name": "linear", "epochs": 0}}], r"schedule 'linear': epochs: Input should be greater than 0"),
        ([{"schedule": {"name": "constant", "value": float("nan")}}], r"schedule 'constant': value = nan: must be"),
    ],
)
def test_bad_chain_parts_are_named(parts, message):
    with pytest.raises(ScheduleError, match=r"schedule 'chain': parts: .*" + message):
        make("chain", parts=parts)


def test_an_unknown_name_suggests_the_closest():
    with pytest.raises(ScheduleError, match=r"unknown schedule 'cosin'; did you mean 'cosine'\? Available: .*linear"):
        make("cosin")
    with pytest.raises(
        ScheduleError, match=r"unknown schedule 'zzz'\. Available: chain, constant, cosine.*\(mvae schedules\)"
    ):
        make("zzz")


def test_a_spec_needs_a_name():
    with pytest.raises(
        ScheduleError, match=r'a schedule is a table with a "name" and its parameters, got \{\'epochs\': 3\}'
    ):
        from_spec({"epochs": 3})
    with pytest.raises(ValueError, match=r"a schedule is a table"):  # ValueError: pydantic validators report it
        validate_spec("linear")
    assert validate_spec({"name": "linear", "epochs": 10}) == {
        "name": "linear",
        "start": 0.0,
        "end": 1.0,
        "epochs": 10.0,
        "delay": 0.0,
    }
    built = make("constant")
    assert from_spec(built) is built


def test_registering_a_taken_name_is_an_error():
    class Another(Schedule):
        def __call__(self, epoch: float) -> float:
            return 0.0

    with pytest.raises(ScheduleError, match=r"schedule 'linear' is registered twice \(Linear, .*Another\)"):
        register("linear")(Another)
    assert available()["linear"].__name__ == "Linear"


# --- third-party schedules --------------------------------------------------------------------------------------


class Sawtooth(Schedule):
    """Rises from 0 to 1 over every `period` epochs, then drops back.

    More text that the one-line description leaves out."""

    period: float = Field(10.0, gt=0, description="Epochs per tooth.")

    def __call__(self, epoch: float) -> float:
        return (epoch % self.period) / self.period


class _FakeDist:
    name = "mvae-sawtooth"
    version = "0.3"


class _FakeEntryPoint:
    def __init__(self, name, target=Sawtooth):
        self.name, self.dist, self.target = name, _FakeDist(), target

    def load(self):
        if isinstance(self.target, Exception):
            raise self.target
        return self.target


def fake_entry_points(monkeypatch, *found):
    """Only the ``mvae.schedules`` group: these entry points, as an installed package would expose them."""
    monkeypatch.setattr(
        importlib.metadata, "entry_points", lambda group: list(found) if group == ENTRY_POINT_GROUP else []
    )


def test_entry_point_schedules_are_discovered(monkeypatch):
    fake_entry_points(monkeypatch, _FakeEntryPoint("sawtooth"))
    found = available()
    assert found["sawtooth"] is Sawtooth and {"linear", "chain"} <= set(found)
    schedule = make("sawtooth", period=4)
    assert schedule(6) == 0.5 and schedule.spec() == {"name": "sawtooth", "period": 4.0}
    assert from_spec(schedule.spec()) == schedule and pickle.loads(pickle.dumps(schedule)) == schedule
    chained = make("chain", parts=[{"epochs": 2, "schedule": {"name": "constant"}}, {"schedule": schedule.spec()}])
    assert chained(3) == 0.25


def test_loading_an_unknown_name_is_a_schedule_error_with_the_closest_one():
    """schedules.load ended in a bare StopIteration for a name that no package registers."""
    with pytest.raises(ScheduleError, match=r"^unknown schedule 'linaer'; did you mean 'linear'\? Available: "):
        load("linaer")


def test_a_third_party_schedule_may_not_take_a_builtin_name(monkeypatch):
    fake_entry_points(monkeypatch, _FakeEntryPoint("linear"))
    message = (
        r"schedule 'linear' from package mvae-sawtooth has the name of a built-in schedule; uninstall the package "
        r"\(pip uninstall mvae-sawtooth\) or rename its entry point$"
    )
    with pytest.raises(ScheduleError, match=message):
        available()
    result = mvae("schedules")
    assert result.exit_code == 2 and "has the name of a built-in" in result.output
    result = mvae("schedules", "preview", "cosine")
    assert result.exit_code == 2 and "has the name of a built-in" in result.output


def test_two_packages_registering_one_schedule_name_are_both_named(monkeypatch):
    other = _FakeEntryPoint("sawtooth")
    other.dist = type("OtherDist", (), {"name": "mvae-other", "version": "1.0"})()
    fake_entry_points(monkeypatch, _FakeEntryPoint("sawtooth"), other)
    message = (
        r"schedule 'sawtooth' from package mvae-other has the name of a schedule from package mvae-sawtooth; "
        r"uninstall one of the packages \(pip uninstall mvae-other\) or rename its entry point"
    )
    with pytest.raises(ScheduleError, match=message):  # it said "the name of a built-in"
        available()


@pytest.mark.parametrize(
    "target,message",
    [
        (
            ImportError("No module named 'numpy_is_missing'"),
            r"schedule 'saw' \(package mvae-sawtooth\) failed to import: .*numpy_is_missing",
        ),
        (lambda epoch: 1.0, r"schedule 'saw' \(package mvae-sawtooth\) is not a schedules\.Schedule subclass"),
        (  # before, every plugin using it failed in its hook with NotImplementedError, naming the plugin
            type("Silent", (Schedule,), {"__annotations__": {"period": float}, "period": 1.0}),
            r"schedule 'saw' \(package mvae-sawtooth\) does not define __call__\(self, epoch\) \(docs/schedules\.md\)",
        ),
    ],
)
def test_a_broken_third_party_schedule_is_named(monkeypatch, target, message):
    fake_entry_points(monkeypatch, _FakeEntryPoint("saw", target))
    with pytest.raises(ScheduleError, match=message):
        available()
    with pytest.raises(ScheduleError, match=message):
        make("saw")


def test_a_broken_third_party_schedule_stops_only_the_configs_that_use_it(monkeypatch):
    # before, every schedule (kl_anneal's default linear too) imported every package: one broken package, installed
    # and never named, stopped every `mvae train` with "plugins.kl_anneal.schedule: schedule 'saw' ... failed"
    fake_entry_points(monkeypatch, _FakeEntryPoint("saw", ImportError("No module named 'numpy_is_missing'")))
    assert make("linear", epochs=4)(2) == 0.5
    assert validate_spec({"name": "cosine"})["name"] == "cosine"
    with pytest.raises(ScheduleError, match=r"unknown schedule 'Saw'; did you mean 'saw'"):
        make("Saw")  # the names come from package metadata, without importing


def test_mvae_schedules_lists_a_broken_package_with_its_error_and_the_rest_as_usual(monkeypatch):
    # before, one package that failed to import made `mvae schedules` print only that error and exit 2
    fake_entry_points(monkeypatch, _FakeEntryPoint("saw", ImportError("No module named 'numpy_is_missing'")))
    result = mvae("schedules", "--json")
    assert result.exit_code == 0, result.output
    listed = {entry["name"]: entry for entry in json.loads(result.output)}
    assert listed["saw"]["origin"] == "package mvae-sawtooth" and listed["saw"]["parameters"] == []
    line = _FakeEntryPoint.load.__code__.co_firstlineno + 2  # where the stand-in for the package's import fails
    assert listed["saw"]["error"] == (  # with the package's line, as a plugin's or a model's (it had none)
        f"schedule 'saw' (package mvae-sawtooth) failed to import: No module named 'numpy_is_missing' (at {__file__}:"
        f"{line})"
    )
    assert listed["linear"]["error"] is None and listed["linear"]["origin"] == "built-in"
    table = mvae("schedules")
    assert table.exit_code == 0 and {"saw", "cosine"} <= set(table_rows(table.output))
    preview = mvae("schedules", "preview", "saw")
    assert preview.exit_code == 2 and "schedule 'saw' (package mvae-sawtooth) failed to import" in preview.output


# --- the command line -------------------------------------------------------------------------------------------


def mvae(*args: object):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


def table_rows(output: str) -> dict[str, list[str]]:
    """The body rows of the rich table in ``output``: first cell → the other cells (for a preview: the epoch, counted
    from 1 → its ``e`` (epochs done when it starts) and values)."""
    rows = {}
    for line in output.splitlines():
        if line.startswith("│"):
            cells = [c.strip() for c in line.strip("│").split("│")]
            rows[cells[0]] = cells[1:]
    return rows


def test_mvae_schedules_lists_every_schedule_with_its_parameters():
    result = mvae("schedules")
    assert result.exit_code == 0, result.output
    first_cells = table_rows(result.output)
    for name in available():
        assert name in first_cells, f"{name} is not listed"
        assert first_cells[name][0] == "built-in"
    assert "mvae schedules preview NAME" in result.output
    assert mvae("--help").output.count("schedules") >= 1


def test_mvae_schedules_json_gives_descriptions_types_defaults():
    result = mvae("schedules", "--json")
    assert result.exit_code == 0, result.output
    listed = {entry["name"]: entry for entry in json.loads(result.stdout)}
    assert set(listed) == set(available())
    for entry in listed.values():
        assert entry["origin"] == "built-in" and entry["description"], entry["name"]
        assert all(p["description"] and p["type"] for p in entry["parameters"]), entry["name"]
    epochs = next(p for p in listed["linear"]["parameters"] if p["name"] == "epochs")
    assert epochs == {
        "name": "epochs",
        "type": "float",
        "constraints": ["> 0"],
        "required": False,
        "default": 20.0,
        "description": "Length of the ramp in epochs.",
    }
    ratio = next(p for p in listed["cyclical"]["parameters"] if p["name"] == "ratio")
    assert ratio["constraints"] == ["> 0", "<= 1"] and ratio["default"] == 0.5
    parts = listed["chain"]["parameters"][0]
    assert parts["required"] and parts["default"] is None
    assert listed["cyclical"]["description"].startswith("Fu et al. (2019)")


def test_mvae_schedules_lists_third_party_schedules(monkeypatch):
    fake_entry_points(monkeypatch, _FakeEntryPoint("sawtooth"))
    listed = {entry["name"]: entry for entry in json.loads(mvae("schedules", "--json").stdout)}
    assert listed["sawtooth"]["origin"] == "package mvae-sawtooth"
    assert listed["sawtooth"]["description"] == "Rises from 0 to 1 over every `period` epochs, then drops back."
    assert listed["sawtooth"]["parameters"][0]["name"] == "period"
    result = mvae("schedules")
    assert result.exit_code == 0 and table_rows(result.output)["sawtooth"][0].startswith("package")
    result = mvae("schedules", "preview", "sawtooth", "--set", "period=4", "--epochs", 8)
    assert result.exit_code == 0, result.output
    assert table_rows(result.output)["7"] == ["6", "0.5"]


def test_preview_prints_the_value_per_epoch():
    result = mvae("schedules", "preview", "linear", "--epochs", 30)
    assert result.exit_code == 0, result.output
    rows = table_rows(result.output)
    assert rows["6"] == ["5", "0.25"] and rows["1"] == ["0", "0"] and rows["21"] == ["20", "1"]
    assert list(rows) == [str(n) for n in range(1, 31)]  # epochs as the console counts them
    assert "warning" not in result.output


def test_preview_reads_parameters_as_toml():
    result = mvae(
        "schedules",
        "preview",
        "step",
        "--set",
        "initial=1e-3",
        "--set",
        "factor=0.98",
        "--set",
        "every=8",
        "--epochs",
        17,
    )
    assert result.exit_code == 0, result.output
    assert float(table_rows(result.output)["17"][1]) == pytest.approx(1e-3 * 0.98**2)  # epoch 17 = e 16
    parts = '[{epochs = 5, schedule = {name = "linear", epochs = 5}}, {schedule = {name = "constant", value = 2}}]'
    result = mvae("schedules", "preview", "chain", "--set", f"parts={parts}", "--epochs", 8, "--json")
    assert result.exit_code == 0, result.output
    preview = json.loads(result.stdout)
    assert preview["end_epoch"] == 5 and preview["schedule"]["parts"][1]["schedule"] == {
        "name": "constant",
        "value": 2.0,
    }
    assert [p["value"] for p in preview["points"]] == pytest.approx([0, 0.2, 0.4, 0.6, 0.8, 2, 2, 2])


def test_preview_with_steps_samples_fractional_epochs():
    args = ["schedules", "preview", "cyclical", "--set", "period=2", "--set", "cycles=1", "--epochs", 3]
    result = mvae(*args, "--steps-per-epoch", 4, "--json")
    assert result.exit_code == 0, result.output
    points = json.loads(result.stdout)["points"]
    assert [p["epoch"] for p in points] == [i / 4 for i in range(12)]
    assert [p["value"] for p in points] == pytest.approx([0, 0.25, 0.5, 0.75] + [1.0] * 8)
    rows = table_rows(mvae(*args, "--steps-per-epoch", 4).output)
    assert rows["1"] == ["0", "0", "0", "0.75"] and rows["2"] == ["1", "1", "1", "1"]


def test_preview_warns_when_the_ramp_is_longer_than_the_run():
    result = mvae("schedules", "preview", "linear", "--epochs", 10)
    assert result.exit_code == 0, result.output
    assert "warning:" in result.stderr and "a ramp longer than the run" in result.stderr
    assert "final value 1 at e = 20 (in epoch 21), after the last epoch previewed (epoch 10, e = 9, value 0.45)" in (
        " ".join(result.stderr.split())
    )
    assert "--epochs 21 or more" in result.stderr
    assert "warning" not in result.stdout
    # 20 epochs run 0..19: the final value of a 20-epoch ramp is never used, as kl_anneal also warns at start
    assert "a ramp longer than the run" in mvae("schedules", "preview", "linear", "--epochs", 20).stderr
    assert "warning" not in mvae("schedules", "preview", "linear", "--epochs", 21).output
    result = mvae("schedules", "preview", "linear", "--epochs", 20, "--steps-per-epoch", 4)
    assert "after the last step previewed (epoch 20, e = 19.75, value 0.9875)" in " ".join(result.stderr.split())
    assert "warning" not in mvae("schedules", "preview", "step", "--epochs", 5).output  # no ramp: no end
    result = mvae("schedules", "preview", "cyclical", "--epochs", 10, "--json")  # JSON stays clean on stdout
    assert "a ramp longer than the run" in result.stderr and json.loads(result.stdout)["end_epoch"] == 100


def test_preview_plot_writes_a_png(tmp_path):
    from matplotlib.image import imread

    target = tmp_path / "plots" / "cosine.png"
    result = mvae(
        "schedules", "preview", "cosine", "--set", "epochs=10", "--epochs", 12, "--steps-per-epoch", 5, "--plot", target
    )
    assert result.exit_code == 0, result.output
    assert f"plot → {target}" in result.output.replace("\n", "")
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    pixels = imread(target)
    assert pixels.shape[0] > 200 and pixels.shape[1] > 400
    assert len({tuple(p) for p in pixels.reshape(-1, pixels.shape[-1])[::7].tolist()}) > 10  # not a blank image


def test_preview_plot_without_matplotlib_exits_2_naming_the_extra(monkeypatch, tmp_path):
    for module in ("matplotlib", "matplotlib.figure", "matplotlib.backends.backend_agg"):
        monkeypatch.setitem(sys.modules, module, None)
    target = tmp_path / "x.png"
    result = mvae("schedules", "preview", "linear", "--plot", target)
    assert result.exit_code == 2
    assert "--plot: matplotlib not installed; install the 'plot' extra: " in result.output
    assert "-m pip install 'mvae[plot]'" in result.output
    assert not target.exists()


@pytest.mark.parametrize(
    "args,message",
    [
        (["cosin"], "unknown schedule 'cosin'; did you mean 'cosine'?"),
        (["linear", "--set", "epochs=0"], "schedule 'linear': epochs: Input should be greater than 0"),
        (["linear", "--set", "lenght=3"], "lenght: unknown parameter; parameters of 'linear': start, end, epochs"),
        (["linear", "--set", "epoch=3"], "schedule 'linear': epoch: unknown parameter; did you mean 'epochs'?"),
        (["Cosine"], "unknown schedule 'Cosine'; did you mean 'cosine'?"),
        (["cyclical", "--set", "ratio=2"], "ratio: Input should be less than or equal to 1"),
        (["linear", "--set", "epochs"], "--set expects param=value, got 'epochs'"),
        (["linear", "--set", "=3"], "--set expects param=value, got '=3'"),
    ],
)
def test_preview_bad_input_exits_2_naming_it(args, message):
    result = mvae("schedules", "preview", *args)
    assert result.exit_code == 2
    assert message in result.output.replace("\n", "")


def test_preview_rejects_a_run_of_no_epochs():
    result = mvae("schedules", "preview", "linear", "--epochs", 0)
    assert result.exit_code == 2 and "--epochs" in result.output
    assert mvae("schedules", "preview", "linear", "--steps-per-epoch", 0).exit_code == 2


# --- the docs -------------------------------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[1]


def builtin_schedules() -> dict[str, type[Schedule]]:
    from schedules import builtin

    return {v.name: v for v in vars(builtin).values() if isinstance(v, type) and issubclass(v, Schedule) and v.name}


@pytest.mark.parametrize("name", sorted(builtin_schedules()))
def test_every_builtin_is_documented_with_its_defaults_and_plot(name):
    docs = (ROOT / "docs" / "schedules.md").read_text(encoding="utf-8")
    heading = f"### `{name}`\n"
    assert heading in docs, f"docs/schedules.md needs a section '### `{name}`'"
    section = docs.split(heading, 1)[1].split("\n#", 1)[0]
    for field_name, field in builtin_schedules()[name].model_fields.items():
        default = "(required)" if field.is_required() else json.dumps(field.get_default())
        assert f"| `{field_name}` | {default} |" in section, f"{name}: no row for {field_name} with default {default}"
    figure = f"figures/schedule_{name}.png"
    assert f"]({figure})" in section and (ROOT / "docs" / figure).is_file(), f"{name}: {figure} is missing"


def test_the_figure_script_draws_every_builtin():
    spec = importlib.util.spec_from_file_location("make_schedule_plots", ROOT / "docs/figures/make_schedule_plots.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    assert set(script.FIGURES) == set(builtin_schedules())
    for name, (params, _) in script.FIGURES.items():
        make(name, **params)


def test_cli_docs_describe_the_schedules_command():
    docs = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert "## mvae schedules" in docs and "mvae schedules preview NAME" in docs and "schedules.md" in docs


@pytest.mark.parametrize(
    ("spec", "end"),
    [
        ({"name": "step", "factor": 1.0}, 0.0),
        ({"name": "step", "initial": 0.0}, 0.0),
        ({"name": "step"}, None),
        ({"name": "exponential", "rate": 1.0}, 0.0),
        ({"name": "exponential", "initial": 0.0}, 0.0),
        ({"name": "exponential"}, None),
    ],
)
def test_a_step_or_exponential_that_never_changes_is_settled_from_the_start(spec, end):
    """step with factor 1 (or exponential with rate 1) is a constant, but reported no end: the plugin using it warned
    that it never settles and its ramp took the whole run (early stopping never started counting)."""
    assert from_spec(spec).end_epoch() == end
