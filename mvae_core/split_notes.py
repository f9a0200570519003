"""What a new run says of its train/validation split under its start line (:mod:`mvae_core.session`): the loops and
sources of each side (:func:`split_counts`), and the one warning a split may get (:func:`split_warning`): training
holding too few of the loops (one long file on the validation side), or validation too few loops or files; each
names the first later seed that splits the files better, but in a run of an ablation (:data:`ABLATION_RUN`), whose
seeds are the ablation's, where it names what an ablation's user can do. The split itself is
:func:`~mvae_core.data.split.split_by_source`'s.
"""

from __future__ import annotations

import os

import numpy as np

from mvae_core.config import MvaeConfig
from mvae_core.data.split import SEEDS_TRIED, LoopSet, another_split_seed
from mvae_core.data.table import NoteTable
from mvae_core.progress import Advice
from mvae_core.run_files import SPLIT
from mvae_core.wording import counted


def split_counts(train_set: LoopSet, val_set: LoopSet) -> str:
    """The start line's split: the loops and sources of each side, so that its loops add up to the data table's
    (``train 72 loops (253 examples with transpositions, 18 sources) · val 458 loops (3 sources)``); the train
    side's examples (its loops and their transposed copies, what an epoch goes through) only where they are more.
    A single source split in time order is on both sides."""
    loops, examples = train_set.n_loops, len(train_set)
    transposed = f"{counted(examples, 'example')} with transpositions, " * (examples != loops)
    return (
        f"train {counted(loops, 'loop')} ({transposed}{counted(len(train_set.sources), 'source')}) · "
        f"val {counted(len(val_set), 'loop')} ({counted(len(val_set.sources), 'source')})"
    )


def split_warning(cfg: MvaeConfig, train_set: LoopSet, val_set: LoopSet) -> Advice | None:
    """The one warning a new run's split may get, under its start line: that training got too few of the loops
    (:func:`_lopsided_split`), else that validation holds too few (:func:`_few_validation`); None when neither.
    Both name another seed as a fix, so a split that is both says it once, the first, its loops' share being the
    larger harm (the model learns from fewer loops, not only its scores rest on a few). In a run of an ablation
    (:func:`in_ablation`) neither names a seed nor the split's own counts: the words an ablation's user can act on,
    the same for each of its seeds, so that they fold into one row of its summaries' warnings."""
    return _lopsided_split(cfg, train_set, val_set) or _few_validation(cfg, train_set, val_set)


ABLATION_RUN = "MVAE_ABLATION_RUN"
"""The environment variable ``mvae ablate`` (:func:`mvae_core.ablate`) sets to ``1`` for each run it trains
(:func:`mvae_core.ablation.runner.run_env`, a Ray task's too): the run's seed is one of the ablation's (``seeds``),
not one its user gives run by run, so the split's warning does not advise another seed (``--seed 3``: ``mvae
ablate`` takes none, and each seed's would name another). It says what an ablation's user can do instead (more
files, more seeds: the summaries average over one split per seed), without the counts of the seed's own split (its
``split.json`` has them), in words the same for every seed: the summaries list a warning once, with its seeds."""

ABLATION_FIX = "more seeds: the ablation's summaries average over one split per seed"
"""How a split warning of an ablation's run (:data:`ABLATION_RUN`) ends: what its seeds can do."""


def in_ablation() -> bool:
    """Whether this run is one of an ablation's (:data:`ABLATION_RUN` set to ``1``)."""
    return os.environ.get(ABLATION_RUN) == "1"


LOPSIDED_TRAINING = 1 / 2
"""A new run whose training side holds fewer than this share of the loops that ``data.train_fraction`` would give it
(that fraction of all loops: training gets that share of the files) warns (:func:`_lopsided_split`). The split
counts files, not loops, so one long file (a 30-minute jam among 4-loop clips) on the validation side takes most of
the data from training: the model learns from less than half of what the files could teach it, and validation
scores mostly that one file. With the default 5/6, that is training under 41.7 % of the loops (validation over
58.3 %, 3.5 times its share); a side of a few files holds a share of any size, so this is about the loops, not the
files, which :data:`FEW_VALIDATION_FILES` counts."""


def _lopsided_split(cfg: MvaeConfig, train_set: LoopSet, val_set: LoopSet) -> Advice | None:
    """The warning that training holds fewer than :data:`LOPSIDED_TRAINING` of the loops ``data.train_fraction``
    would give it, naming how many loops validation holds, the validation source with the most of them and the fixes:
    the first later seed whose split validates on other files and trains on enough loops (:func:`_balanced_seed`; as
    the ``mvae`` option or the ``overrides`` of :func:`train`), or cutting that file into shorter ones; None when
    training holds enough, or when the split is in time order (both sides hold the same sources, each its share of
    their loops). In a run of an ablation (:func:`in_ablation`): the shares it warns at, and the fixes an
    ablation's user has (cutting long files, :data:`ABLATION_FIX`)."""
    trained, validated = train_set.n_loops, len(val_set)
    total, share = trained + validated, cfg.data.train_fraction
    if trained >= LOPSIDED_TRAINING * share * total or val_set.sources & train_set.sources:
        return None
    if in_ablation():
        least = 100 * LOPSIDED_TRAINING * share
        said = (
            f"validation holds over {100 - least:.1f}% of the loops (the run's {SPLIT} names its files): the model "
            f"trains on under {least:.1f}%, though data.train_fraction gives training {100 * share:.1f}% of the "
            f"files; to train on more, cut long files into shorter ones, or run {ABLATION_FIX}"
        )
        return Advice(said, said)
    table = val_set.table
    per_source = np.bincount(table.source[val_set.loops], minlength=len(table.sources))
    largest = int(per_source.argmax())
    said = (
        f"validation holds {validated:,} of the {total:,} loops ({100 * validated / total:.1f}%), "
        f"{int(per_source[largest]):,} of them from {table.sources[largest]}: the model trains on the other "
        f"{trained:,} "
        f"({100 * trained / total:.1f}%), though data.train_fraction gives training {100 * share:.1f}% of the files; "
        "to train on more, cut that file into shorter ones"
    )
    seed = _balanced_seed(cfg, table)
    if seed is None:
        said += f" (the next {SEEDS_TRIED} seeds split these files no better)"
        return Advice(said, said)
    said += ", or give another seed whose split trains on more"
    return Advice(f"{said} (overrides={{'train.seed': {seed}}})", f"{said} (--seed {seed})")


def _balanced_seed(cfg: MvaeConfig, table: NoteTable) -> int | None:
    """The seed the split's warnings advise: the first later one whose split of ``table`` validates on other files
    (:func:`~mvae_core.data.split.another_split_seed`) and leaves training enough loops not to warn
    (:data:`LOPSIDED_TRAINING`), so that following one warning's advice does not lead into the other; None where
    none of the next :data:`~mvae_core.data.split.SEEDS_TRIED` does."""
    most = 1 - LOPSIDED_TRAINING * cfg.data.train_fraction  # the largest validation share that does not warn
    return another_split_seed(table, cfg.data, cfg.train.seed, validating_at_most=most)


FEW_VALIDATION_LOOPS = 50
"""A new run whose validation holds fewer loops than this warns (:func:`_few_validation`): ``val``, ``elbo``,
``f1``, the timing spread and the epoch kept as the best are means over those loops alone, so one loop weighs over
2 % of each, and another split of the same files can rank epochs (and runs) otherwise."""

FEW_VALIDATION_FILES = 3
"""A new run whose validation holds fewer files than this warns (:func:`_few_validation`), however many loops they
hold: the scores are then those of one or two pieces, their style, tempo and timing (``spread`` reads
``quantized`` for a quantized tune among performed solos), not of the data. The split gives validation 1 file in
6 (``data.train_fraction``), so a run on fewer than about 15 files warns."""


def _few_validation(cfg: MvaeConfig, train_set: LoopSet, val_set: LoopSet) -> Advice | None:
    """The warning that the split's validation side holds fewer than :data:`FEW_VALIDATION_LOOPS` loops or
    :data:`FEW_VALIDATION_FILES` files, naming how many, that the run's ``split.json`` names them (the run's folder
    is the line above; the same words for every run, so an ablation's runs say it alike) and the fixes (more files,
    the first later seed whose split validates on other files and trains on enough loops (:func:`_balanced_seed`),
    as the ``mvae`` option or the ``overrides`` of :func:`train`); None when it holds enough, or when
    validation is the last loops of one source's music, which the split warns of itself (both sides then hold the
    same sources). In a run of an ablation (:func:`in_ablation`): which limit the side is under, not its counts, and
    the fixes an ablation's user has (more files, :data:`ABLATION_FIX`)."""
    loops, files = len(val_set), len(val_set.sources)
    if (loops >= FEW_VALIDATION_LOOPS and files >= FEW_VALIDATION_FILES) or val_set.sources & train_set.sources:
        return None
    if in_ablation():
        under = [f"fewer than {FEW_VALIDATION_LOOPS} loops"] * (loops < FEW_VALIDATION_LOOPS) + [
            f"from fewer than {FEW_VALIDATION_FILES} files"
        ] * (files < FEW_VALIDATION_FILES)
        said = (
            f"validation is {' '.join(under)} (the run's {SPLIT} names them): val, elbo, f1 and the epoch kept as the "
            f"best rest on those alone; for steadier numbers add files, or run {ABLATION_FIX}"
        )
        return Advice(said, said)
    said = (
        f"validation is {counted(loops, 'loop')} from {counted(files, 'file')} (the run's {SPLIT} names them): "
        "val, elbo, f1 and the epoch kept as the best rest on those alone; for steadier numbers add files"
    )
    seed = _balanced_seed(cfg, val_set.table)
    if seed is None:
        other = another_split_seed(val_set.table, cfg.data, cfg.train.seed) is not None
        said += f" (the next {SEEDS_TRIED} seeds split these files the same way{' or train on too few loops' * other})"
        return Advice(said, said)
    said += ", or give another seed for another split"
    return Advice(f"{said} (overrides={{'train.seed': {seed}}})", f"{said} (--seed {seed})")
