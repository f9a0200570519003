"""``mvae ablate``: train every configuration × seed as a normal run, then compare them.

* :mod:`.session`: :func:`~.session.ablate`, the whole ablation as one call (``mvae ablate`` and ``mvae_core.ablate``);
* :mod:`.plan`: the configurations (plugin sets and overrides) of each mode, and the ``--configs`` TOML file;
* :mod:`.arguments`: :func:`~.session.ablate`'s arguments checked before anything is read (numbers, executor,
  overrides, base config, the plan's configurations);
* :mod:`.out_folder`: what the ablation's folder already holds, checked against the plan (configs, data, its
  contents, starting weights; runs whose data moved; runs outside the plan);
* :mod:`.runner`: one ``mvae train`` subprocess per configuration × seed, in parallel, skipping finished runs and
  resuming unfinished ones; :mod:`.ray_executor`: the same runs as Ray tasks, on a local instance or a cluster;
* :mod:`.failures`: how the runs ended (ok, failed, not started: :class:`~.failures.RunCounts`, counted once for every
  place that says it) and the line the command ends with when runs are not ok;
* :mod:`.facts`: what one run directory says (``metrics.jsonl``) and the timing of notes its model generates;
* :mod:`.rows`: one summary row per run (its facts, its status, its generated timing);
* :mod:`.stats`: mean, standard deviation, t-intervals and paired differences;
* :mod:`.columns`: the metrics compared (titles, units, which way is better), a row's keys, the words of missing values;
* :mod:`.estimates`: the statistics over seeds, per configuration and paired against a reference;
* :mod:`.findings`: which paired differences the seeds tell apart from noise, which are not judged, and their count;
* :mod:`.cells`: an estimate as a cell (``mean ± std [low, high]; 1 n/a``), a Markdown table;
* :mod:`.summary_csv`, :mod:`.summary_md` (with :mod:`.plugin_tables`, its tables of the plugins' numbers),
  :mod:`.summary_json`: the summary's files; :mod:`.console_summary`: its table and findings on the console;
* :mod:`.about`: the summary's lines about what trained the runs (settings, versions, numerics, data, threads);
* :mod:`.figure`: ``ablation.png`` (matplotlib).

:mod:`.facts`, :mod:`.out_folder` and :mod:`.about` (and so :mod:`.runner`, :mod:`.rows` and :mod:`.session`)
import torch through the run directory, so ``mvae_core.cli_ablate`` imports them inside the command, never at
start-up (only :mod:`.plan`, which does not, nor does :mod:`.arguments`).
"""
