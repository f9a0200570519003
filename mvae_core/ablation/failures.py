"""The line ``mvae ablate`` ends with when runs failed: how many, the error when every one failed alike (a node that
cannot see the shared storage, a setting every run refuses), and where to read more."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mvae_core.ablation.runner import log_path


def failed_runs_line(failed: list[dict[str, Any]], out: Path) -> str:
    """``N run(s) failed`` for the summary rows ``failed`` (:attr:`~.session.AblationResult.failed`) of the ablation
    in ``out``. When they all failed with the same error it follows (``…, each with: ERROR``): said once at the end,
    not only in the progress lines a long ablation scrolls away. What to read: the summary, and the logs folder where
    some failed run wrote a log (a Ray task that found no shared storage fails before its run writes one)."""
    errors = {row.get("error") or "" for row in failed}
    alike = f", each with: {errors.pop()}" if len(errors) == 1 and "" not in errors else ""
    logged = any(log_path(out, row["config"], row["seed"]).exists() for row in failed)
    if alike and not logged:
        return f"{len(failed)} run(s) failed{alike} (see {out / 'summary.md'})"
    return f"{len(failed)} run(s) failed{alike} (see the summary and {out / 'logs'})"
