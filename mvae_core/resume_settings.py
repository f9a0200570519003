"""What a resume may change of the run it continues, the one place that says it (light: the command line's help reads
it without importing torch): the settings of :data:`RESUME_WARNED`, given to the resume (``overrides``, ``--set``,
the options of :data:`RESUME_OPTIONS`) or edited in the run's ``config.toml``, and plugins taken out of
:data:`ENABLED_KEY`, by an edit of that file or given to the resume (``--plugins``, ``--set``, ``plugins=`` naming some
of the run's plugins; :mod:`mvae_core.run_setup` applies it). The epoch budget and the data's
place are a resume's own arguments. Any other setting given to a resume must be the run's own value, which changes
nothing (the call that started the run, given again with ``resume``).
"""

from __future__ import annotations

RESUME_WARNED = ("train.device", "train.deterministic", "train.table_on_device", "train.keep_freed_memory",
                 "train.step_records", "data.cache_dir")  # fmt: skip
"""The settings that an edit of a run's ``config.toml`` may change before a resume, which continues with them and
warns naming them: where and how the run computes or what it records (the device, CUDA's deterministic kernels, where
the training notes are kept, the memory a step keeps, the steps whose losses go to ``steps.jsonl``, the parse cache's
folder), not what it computes (a new device is also recorded in ``[[provenance.resumed]]``). A resume may also be
given them (:func:`~mvae_core.run_setup.refuse_other_settings`; any other setting given must be the run's own value);
any other edited setting but the epoch budget and plugins taken out of :data:`ENABLED_KEY` refuses the resume
(:func:`~mvae_core.run_setup.edited_settings`)."""

SETTING_OPTIONS = {"--plugins": "plugins.enabled", "--batch-size": "train.batch_size", "--seed": "train.seed",
                   "--device": "train.device", "--melody": "data.melody"}  # fmt: skip
"""The options of ``mvae train`` that set one setting each, and the setting: a new run applies them after every
``--set``; a resume compares each given with the run's value, as a ``--set`` of it
(:func:`~mvae_core.run_setup.refuse_other_settings`)."""

RESUME_OPTIONS = {option: key for option, key in SETTING_OPTIONS.items() if key in RESUME_WARNED}
"""The options of ``mvae train`` that set a setting of :data:`RESUME_WARNED`, and the setting."""

ENABLED_KEY = "plugins.enabled"
"""The list of plugins a run trains with: an edit of a run's ``config.toml``, or the plugin names given to a resume,
may take plugins out of it, and the resumed epochs run without them (their saved state dropped); one that adds a
plugin, or reorders the list, is refused."""
