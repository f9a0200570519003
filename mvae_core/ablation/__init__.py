"""``mvae ablate``: train every configuration × seed as a normal run, then compare them.

* :mod:`.session`: :func:`~.session.ablate`, the whole ablation as one call (``mvae ablate`` and ``mvae_core.ablate``);
* :mod:`.plan`: the configurations (plugin sets and overrides) of each mode, and the ``--configs`` TOML file;
* :mod:`.arguments`: :func:`~.session.ablate`'s arguments checked before anything is read (numbers, executor,
  overrides, base config, the plan's configurations);
* :mod:`.out_folder`: what the ablation's folder already holds, checked against the plan (configs, data, its
  contents, starting weights; runs whose data moved; runs outside the plan);
* :mod:`.runner`: one ``mvae train`` subprocess per configuration × seed, in parallel, skipping finished runs and
  resuming unfinished ones;
* :mod:`.facts`: what one run directory says (``metrics.jsonl``) and the timing of notes its model generates;
* :mod:`.rows`: one summary row per run (its facts, its status, its generated timing);
* :mod:`.stats`: mean, standard deviation, t-intervals and paired differences;
* :mod:`.summary`: ``summary.csv``, ``summary.md`` and the console table;
* :mod:`.about`: the summary's lines about what trained the runs (settings, versions, numerics, data, threads);
* :mod:`.figure`: ``ablation.png`` (matplotlib).

:mod:`.facts`, :mod:`.out_folder` and :mod:`.about` (and so :mod:`.runner`, :mod:`.rows` and :mod:`.session`)
import torch through the run directory, so ``mvae_core.cli_ablate`` imports them inside the command, never at
start-up (only :mod:`.plan`, which does not, nor does :mod:`.arguments`).
"""
