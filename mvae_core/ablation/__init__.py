"""``mvae ablate``: train every configuration × seed as a normal run, then compare them.

* :mod:`.session`: :func:`~.session.ablate`, the whole ablation as one call (``mvae ablate`` and ``mvae_core.ablate``);
* :mod:`.plan`: the configurations (plugin sets and overrides) of each mode, and the ``--configs`` TOML file;
* :mod:`.runner`: one ``mvae train`` subprocess per configuration × seed, in parallel, skipping finished runs and
  resuming unfinished ones;
* :mod:`.facts`: what one run directory says (``metrics.jsonl``) and the timing of notes its model generates;
* :mod:`.rows`: one summary row per run (its facts, its status, its generated timing);
* :mod:`.stats`: mean, standard deviation, t-intervals and paired differences;
* :mod:`.summary`: ``summary.csv``, ``summary.md`` and the console table;
* :mod:`.figure`: ``ablation.png`` (matplotlib).

:mod:`.facts` (and so :mod:`.runner`, :mod:`.rows` and :mod:`.session`) imports torch through the run directory,
so ``mvae_core.cli_ablate`` imports them inside the command, never at start-up (only :mod:`.plan`, which does not).
"""
