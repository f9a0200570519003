"""The ablation's summary in one import, for callers that read it whole (the tests, notebooks): the names of the
modules that each do one of its jobs.

* :mod:`.columns`: the metrics (titles, units, directions), a row's keys and the words of missing values;
* :mod:`.summary_csv`: ``summary.csv``, one line per run;
* :mod:`.estimates`: the statistics over seeds, per configuration and paired against a reference;
* :mod:`.findings`: which paired differences the seeds tell apart from noise, and which are not judged;
* :mod:`.cells`: how an estimate is written in a cell, and a Markdown table;
* :mod:`.plugin_tables`: summary.md's tables of the numbers plugins report;
* :mod:`.summary_md`: ``summary.md``;
* :mod:`.summary_json`: ``summary.json``;
* :mod:`.console_summary`: the table and the findings ``mvae ablate`` prints.

The package's own modules import from those homes.
"""

from __future__ import annotations

from mvae_core.ablation.cells import number
from mvae_core.ablation.columns import COLUMNS, DIRECTIONS, METRICS, OTHER_LOOPS, OTHER_MODEL, UNITS, VALIDATED
from mvae_core.ablation.console_summary import console_table, told_apart
from mvae_core.ablation.estimates import paired, paired_plugin_numbers, per_config, warnings_by_config
from mvae_core.ablation.summary_csv import produced_before, write_csv
from mvae_core.ablation.summary_json import statistics
from mvae_core.ablation.summary_md import markdown

__all__ = [
    "COLUMNS",
    "DIRECTIONS",
    "METRICS",
    "OTHER_LOOPS",
    "OTHER_MODEL",
    "UNITS",
    "VALIDATED",
    "console_table",
    "markdown",
    "number",
    "paired",
    "paired_plugin_numbers",
    "per_config",
    "produced_before",
    "statistics",
    "told_apart",
    "warnings_by_config",
    "write_csv",
]
