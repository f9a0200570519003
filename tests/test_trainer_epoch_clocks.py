"""An epoch's clocks live in its :class:`~mvae_core.trainer.EpochProgress`: they continue from the time earlier
attempts spent in it (a mid-epoch resume), and a checkpoint saves only what they read (``seconds``, ``cpu_seconds``),
so the ``progress`` a checkpoint holds keeps the keys docs/cli.md lists."""

from dataclasses import asdict

from mvae_core.trainer import EpochProgress

CHECKPOINT_KEYS = {"multipliers", "sources", "step", "sums", "applied", "replaced", "seconds", "cpu_seconds", "events",
                   "recorded"}  # fmt: skip


def test_clocks_continue_from_the_time_earlier_attempts_spent() -> None:
    progress = EpochProgress({}, seconds=5.0, cpu_seconds=2.0)
    progress.start_clocks()
    progress.read_clocks()
    assert 5.0 <= progress.seconds < 60.0 and 2.0 <= progress.cpu_seconds < 60.0


def test_a_checkpoint_saves_what_the_clocks_read_and_no_clock() -> None:
    progress = EpochProgress({"kl": 0.5})
    progress.start_clocks()
    progress.read_clocks()
    saved = asdict(progress)
    assert set(saved) == CHECKPOINT_KEYS
    assert EpochProgress(**saved) == progress  # what a resume restores (Trainer._restore)
