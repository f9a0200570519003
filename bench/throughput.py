"""Training throughput of the mvae trainer (``--plugins none``) against a bare PyTorch loop, and a GEMM roofline.

What is compared (same process, same machine, same moment):

* **trainer**: ``Trainer(cfg, train, val, host)`` and ``Trainer.fit()`` for ``--epochs`` epochs, ``host`` holding no
  plugin (``--plugins none``, the default) or the five built-ins plus :class:`EmptyStepHooks`, a plugin implementing
  every per-step hook with an empty body (``--plugins all``; ``--grad-norm``: its hooks also ask for the gradient
  norm, which the core then computes every step). Every
  batch is densified on the fly from the packed :class:`NoteTable` (``densify``), shuffled per epoch by the
  trainer's own ``batch_indices``; the loop does everything it does in a real run without plugins (hook calls,
  loss-weight multipliers, per-term loss sums, the non-finite check, validation, the epoch record).
  No run directory is given, so nothing is written to disk.
* **bare**: a hand-written loop over the same model class and config (``torch.manual_seed(seed)`` then
  ``build_model``, as the trainer does), Adam with the same lr, the same examples pre-densified once into one dense
  tensor, the same per-epoch permutation, batch size and loss (``loss_terms`` + ``weighted_total``):
  forward, loss, ``zero_grad``, ``backward``, ``step`` and nothing else. Its initial weights are copied from a
  Trainer built (untimed) with the same config and data, so data-dependent initialisation the trainer does
  (the onset-prior bias) is the same too.

Timing method: each round builds both (untimed) and times ``fit()`` and the bare epochs with ``perf_counter``.
``fit()`` includes one validation pass per epoch over a deliberately tiny val set (``--val-loops``, one batch);
those passes are timed where they run, inside ``fit()`` (``Trainer.validate`` wrapped by a clock that waits for the
device), and subtracted, so the headline **train-only** number compares training with training. The same
validation is also timed afterwards on the trained model (median of 3 warm calls): a first pass in ``fit()`` that
costs more than the warm ones (new batch shapes on a GPU) shows as ``val in fit`` above ``val warm``. Until
2026-12-04 the warm median was subtracted instead, which charged such a first-pass cost to training.
The raw ``fit()`` number (validation included) is printed too. The two variants alternate over ``--rounds``
rounds in ABBA order (trainer first in odd rounds, bare first in even ones) after an untimed warm-up.
The headline ratio (target >= 0.97) is the **median of the per-round paired ratios** trainer / bare samples per
second, with a bootstrap 95 % interval: pairing adjacent runs is what the alternation is for, because this
shared machine's speed drifts by ±10-20 % within seconds. The ratio of the two unpaired medians is printed too
(it mixes that drift into the comparison and moves by several % between runs). The one structural difference
in the data path (``densify`` per batch vs indexing the pre-densified tensor) is also timed directly. Round 1
checks that both produced the same parameters (same seed, data, order and math: expected difference 0).

Roofline: the fp32 GEMM rate of this machine (``torch.matmul`` of two ``--gemm-n`` square matrices, measured in
every round, median) divided by the model's training FLOPs per sample = 3 × forward, forward = the matrix-multiply
FLOPs of one forward pass as ``torch.utils.flop_counter`` counts them (every ``nn.Linear``, and every step of a
recurrent decoder; BatchNorm, activations, losses and Adam are elementwise and not counted). Issue 15's target is
stated in this share ("of roofline"). 3 × forward also counts the first layer's input gradient, which a step never
computes, so the share against one real step's forward and backward, counted by the same ``flop_counter`` in the same
run (``step_flops_per_sample``), is printed beside it ("of counted"): lower by that layer's share of the work.

Threads: ``--threads 1`` by default, for both variants and the GEMM. On a shared 2-core machine torch's default
(one OpenMP thread per core) collapses as soon as another process holds a core: measured here, a training step
went from ~80 ms to ~2.5 s and round-to-round spread to 0.6..1.5x. One thread gives stable, comparable numbers;
``--threads 0`` keeps torch's default. CPU time (``process_time``) is recorded too: with one thread it is far
less disturbed by other processes than wall time, so its ratio is printed beside the wall-clock one.

Device: ``--device cuda`` runs both variants and the GEMM on the GPU, and every clock reading first waits for the
device's queued work. The trainer keeps its notes on the device there (``train.table_on_device = "auto"``); the bare
loop indexes its pre-densified tensor, moved to the device once. Both train under the same deterministic-kernel
setting (``train.deterministic``, default on; ``--nondeterministic`` turns it off for both).

Data: synthetic loops written straight into a NoteTable (8..16 notes each, random rows, steps, velocities,
durations, timeshifts), augmented with the default transpositions like a real train split, then
``--steps × --batch-size`` examples drawn. ``--data PATH`` uses real MIDI instead (load_dataset + split_by_source).

    .venv/bin/python bench/throughput.py [--model seed|melody_rnn|...] [--hidden 512] [--batch-size 64] [--steps 10] [--rounds 24] \\
        [--threads 1] [--data DIR] [--plugins none|all] [--grad-norm] [--profile] [--device cpu|cuda] \\
        [--precision fp32|bf16] [--nondeterministic] [--bare-reads-loss]

Precision: ``--precision bf16`` trains both variants with ``train.precision = "bf16"`` (the forward pass under
bfloat16 autocast; the bare loop autocasts exactly the same call). The roofline stays the fp32 GEMM's, so a bf16
run can pass 100 % of it; the bf16 GEMM rate is measured and printed beside it.

With ``--plugins all`` the trainer's loss weights differ from the bare loop's (the ramps' multipliers), so its
arithmetic is the same amount of work but not the same numbers: the parameter check of round 1 is skipped.
"""

from __future__ import annotations

import argparse
import copy
import cProfile
import json
import os
import pstats
import resource
import statistics
import sys
import time

import numpy as np
import torch
from bench_args import count, count_or_zero, folder  # bench/bench_args.py, beside this script
from torch import nn

from mvae_core import hookimpl
from mvae_core.config import MvaeConfig, PluginsConfig, build_config
from mvae_core.data.batches import batch_indices, densify
from mvae_core.data.loops import STEPS_PER_LOOP
from mvae_core.data.split import LoopSet, augment
from mvae_core.data.table import NoteTable
from mvae_core.determinism import deterministic_algorithms, deterministic_kernels
from mvae_core.errors import MvaeError
from mvae_core.host import PluginHost
from mvae_core.losses import weighted_total
from mvae_core.models import build_model
from mvae_core.models.base import MelodyModel
from mvae_core.trainer import EpochProgress, Trainer
from mvae_core.validation import validate


class EmptyStepHooks:
    """Every per-step hook, doing nothing: what a plugin that implements them costs by itself."""

    @hookimpl
    def mvae_step_start(self, trainer, epoch, step):
        return None

    @hookimpl
    def mvae_loss(self, trainer, batch, output, terms, split):
        return None

    @hookimpl
    def mvae_before_optimizer_step(self, trainer, epoch, step):
        return None

    @hookimpl
    def mvae_step_end(self, trainer, epoch, step, losses):
        return None

    @hookimpl
    def mvae_validation_batch(self, trainer, epoch, batch, output, terms):
        return None


class EmptyStepHooksWithGradNorm(EmptyStepHooks):
    """The same, asking for the gradient norm (the core computes it every step then)."""

    @hookimpl
    def mvae_step_end(self, trainer, epoch, step, losses, grad_norm):
        return None


def make_host(plugins: str, grad_norm: bool) -> PluginHost:
    """No plugin, or the five built-ins (default settings) plus a plugin with empty per-step hooks."""
    if plugins == "none":
        return PluginHost({})
    empty = EmptyStepHooksWithGradNorm() if grad_norm else EmptyStepHooks()
    return PluginHost.from_config(
        PluginsConfig(enabled=["all", "empty_step_hooks"]), objects={"empty_step_hooks": empty}
    )


def step_dispatch_us(trainer: Trainer, calls: int = 2000) -> float:
    """Median µs that the per-step hook calls of one step take with ``trainer``'s plugins (``mvae_step_start``
    collected, ``mvae_loss`` collected, ``mvae_before_optimizer_step``, ``mvae_step_end``), on a real batch's output:
    the whole price plugins with per-step hooks add to a step, measured directly rather than as a noisy difference of
    two trainings."""
    host, view = trainer.host, trainer.view
    x = trainer.batch(np.arange(trainer.cfg.train.batch_size))  # on the trainer's device, as in a step
    with torch.no_grad():
        output = trainer.model(x)
    terms = trainer.model.loss_terms(x, output, trainer.cfg.loss.mask)
    losses = {name: float(value) for name, value in terms.items()}
    times = []
    for step in range(calls):
        t0 = time.perf_counter()
        host.step_multipliers(view, 0, step)
        host.adjust_terms(view, x, output, terms, "train")
        host.hook.mvae_before_optimizer_step(trainer=view, epoch=0, step=step, grad_norm=None)
        host.hook.mvae_step_end(trainer=view, epoch=0, step=step, losses=losses, grad_norm=None)
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1e6


def synthetic_table(n_loops: int, pitch_classes: int, seed: int, n_sources: int = 8) -> NoteTable:
    """``n_loops`` random loops (8..16 notes at distinct steps) spread over ``n_sources`` sources."""
    rng = np.random.default_rng(seed)
    counts = rng.integers(8, 17, size=n_loops)
    steps = np.concatenate([np.sort(rng.choice(STEPS_PER_LOOP, size=c, replace=False)) for c in counts])
    n = int(counts.sum())
    offsets = np.zeros(n_loops + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    return NoteTable(
        row=rng.integers(4, pitch_classes - 4, size=n).astype(np.uint8),
        step=steps.astype(np.uint8),
        velocity=rng.integers(40, 128, size=n).astype(np.uint8),
        duration=rng.uniform(0.05, 1.0, size=n).astype(np.float32),
        timeshift=np.clip(rng.normal(0, 0.4, size=n), -1, 0.99).astype(np.float32),
        offsets=offsets,
        source=(np.arange(n_loops) * n_sources // n_loops).astype(np.int32),
        seconds_per_step=np.full(n_loops, 0.125, dtype=np.float32),
        sources=[f"synth_{i:02d}" for i in range(n_sources)],
    )


def make_data(cfg: MvaeConfig, n_train: int, n_val: int, data: str | None) -> tuple[LoopSet, LoopSet, str]:
    rng = np.random.default_rng(cfg.train.seed)
    if data is None:
        table = synthetic_table(n_train + n_val, cfg.data.pitch_classes, cfg.train.seed)
        full = augment(table, np.arange(n_val, table.n_loops), cfg.data)
        val = LoopSet(table, np.arange(n_val), np.zeros(n_val, dtype=np.int64))
        label = f"synthetic ({table.n_loops} loops, {table.n_notes} notes)"
    else:
        from mvae_core.data.load import load_dataset
        from mvae_core.data.split import split_by_source

        table, _ = load_dataset([data], cfg.data)
        full, val_all, _ = split_by_source(table, cfg.data, cfg.train.seed)
        val = LoopSet(table, val_all.loops[:n_val], val_all.shifts[:n_val])
        label = f"{data} ({table.n_loops} loops, {table.n_notes} notes)"
    if len(full) < n_train:
        sys.exit(f"only {len(full)} train examples; lower --steps or --batch-size")
    pick = np.sort(rng.choice(len(full), size=n_train, replace=False))
    return LoopSet(full.table, full.loops[pick], full.shifts[pick]), val, label


def stepping_trainer(overrides: list[str], n_batches: int) -> tuple[Trainer, EpochProgress, np.ndarray]:
    """For calling ``Trainer.train_step`` directly: a trainer (no plugins, ``overrides`` applied) in training mode on
    ``n_batches`` batches of the synthetic data, an epoch's progress, and the batches' indices ``[n_batches,
    batch_size]``."""
    cfg = build_config(None, overrides, {"plugins.enabled": ["none"]})
    batch = cfg.train.batch_size
    train, val, _ = make_data(cfg, batch * n_batches, batch, None)
    trainer = Trainer(cfg, train, val, PluginHost({}))
    trainer.model.train()
    return trainer, EpochProgress({}), np.arange(len(train)).reshape(-1, batch)


def forward_flops_per_sample(model: MelodyModel, x: torch.Tensor) -> float:
    """Matrix-multiply FLOPs (2 × multiply-adds) of one training forward pass per example of ``x``, counted by
    ``torch.utils.flop_counter`` — every ``nn.Linear`` and, for a recurrent decoder, every step of its GRU;
    elementwise work (BatchNorm, activations, losses, Adam) is not counted. The encoder's input layer gathers the
    rows of a loop's non-zero cells instead of multiplying every cell (``Encoder.branches``); it counts as the dense
    product it computes, ``2 × cells × hidden`` per sample, as before it gathered, so the bound stays comparable."""
    from torch.utils.flop_counter import FlopCounterMode

    counter = FlopCounterMode(display=False)
    with torch.no_grad(), counter:
        model(x)
    return counter.get_total_flops() / len(x) + 2 * model.encoder.branch_weight.numel()


def step_flops_per_sample(model: MelodyModel, x: torch.Tensor, cfg: MvaeConfig) -> float:
    """Matrix-multiply FLOPs of one real training step's forward and backward pass per example of ``x``, counted by
    ``torch.utils.flop_counter`` on a copy of ``model`` (forward, ``loss_terms`` + ``weighted_total``, ``backward``;
    Adam's update is elementwise and not counted). Unlike ``3 × forward`` this leaves out what a step never computes:
    the gradient with respect to the input of the first layer (the data needs none). The gathered input layer counts
    as the dense product it replaces, forward and weight gradient: ``4 × cells × hidden`` per sample."""
    from torch.utils.flop_counter import FlopCounterMode

    model = copy.deepcopy(model).train()
    counter = FlopCounterMode(display=False)
    with counter:
        output = model(x)
        weighted_total(model.loss_terms(x, output, cfg.loss.mask), cfg.loss.coefficients, {}).backward()
    return counter.get_total_flops() / len(x) + 4 * model.encoder.branch_weight.numel()


DEVICE = torch.device("cpu")
"""Where both variants and the GEMM run (``--device``)."""


def synchronize() -> None:
    """Wait for the device's queued work, so that a clock reading includes it (nothing to wait for on the CPU)."""
    if DEVICE.type == "cuda":
        torch.cuda.synchronize(DEVICE)


def device_name() -> str:
    """``cpu``, or the CUDA device's name (the GPU model the numbers belong to)."""
    return torch.cuda.get_device_name(DEVICE) if DEVICE.type == "cuda" else "cpu"


def gemm_gflops(n: int, reps: int = 3, dtype: torch.dtype = torch.float32) -> float:
    a, b = (torch.randn(n, n, device=DEVICE, dtype=dtype) for _ in range(2))
    torch.matmul(a, b)
    times = []
    for _ in range(reps):
        synchronize()
        t0 = time.perf_counter()
        torch.matmul(a, b)
        synchronize()
        times.append(time.perf_counter() - t0)
    return 2 * n**3 / statistics.median(times) / 1e9


def clock() -> np.ndarray:
    """(wall s, this process's CPU s, minor page faults), after the device's queued work: CPU time is less disturbed
    by other processes."""
    synchronize()
    return np.array([time.perf_counter(), time.process_time(), resource.getrusage(resource.RUSAGE_SELF).ru_minflt])


def run_trainer(
    cfg: MvaeConfig, train: LoopSet, val: LoopSet, host: PluginHost
) -> tuple[np.ndarray, np.ndarray, np.ndarray, Trainer]:
    """(wall, cpu, faults) of ``fit()`` (validation included), of the validation passes inside it (all epochs'
    together) and of one warm validation pass afterwards (median of 3)."""
    trainer = Trainer(cfg, train, val, host, device=DEVICE)
    in_fit = []
    validate_in_fit = trainer.validate

    def timed_validate(*args: object) -> dict:
        started = clock()
        result = validate_in_fit(*args)
        in_fit.append(clock() - started)
        return result

    trainer.validate = timed_validate
    t0 = clock()
    result = trainer.fit()
    fit = clock() - t0
    assert result.epochs_run == cfg.train.epochs == len(in_fit)
    multipliers = result.last["weights"]
    val_times = []
    for _ in range(3):
        t0 = clock()
        validate(trainer.model, val, cfg, multipliers, trainer.device)
        val_times.append(clock() - t0)
    return fit, np.sum(in_fit, axis=0), np.median(val_times, axis=0), trainer


def run_bare(
    cfg: MvaeConfig, dense: torch.Tensor, initial: dict[str, torch.Tensor], reads_loss: bool = False
) -> tuple[np.ndarray, MelodyModel]:
    """(wall, cpu, faults) of ``cfg.train.epochs`` bare epochs over the pre-densified examples from ``initial``;
    with ``reads_loss`` the loop also copies its loss to the host after every backward pass, the one place where the
    trainer waits for the device each step (its non-finite check and the step's losses)."""
    torch.manual_seed(cfg.train.seed)
    model = build_model(cfg)
    model.load_state_dict(initial)  # the trainer's data-dependent init (e.g. the onset prior), copied untimed
    model.to(DEVICE)
    dense = dense.to(DEVICE)
    optimizer = torch.optim.Adam(model.parameters(), lr=cfg.train.lr, fused=True)  # as the trainer
    coefficients, mask, batch, n = cfg.loss.coefficients, cfg.loss.mask, cfg.train.batch_size, len(dense)
    autocast = torch.autocast(DEVICE.type, dtype=torch.bfloat16, enabled=cfg.train.precision == "bf16")
    t0 = clock()
    with deterministic_algorithms(deterministic_kernels(cfg.train.deterministic, DEVICE)):  # as the trainer
        for epoch in range(cfg.train.epochs):
            model.train()
            order = torch.from_numpy(np.random.default_rng([cfg.train.seed, epoch]).permutation(n))
            for lo in range(0, n, batch):
                x = dense[order[lo : lo + batch]]
                with autocast:  # the forward pass only, as the trainer does
                    output = model(x)
                loss = weighted_total(model.loss_terms(x, output, mask), coefficients, {})
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                if reads_loss:
                    loss.detach().cpu()
                optimizer.step()
    return clock() - t0, model


def batch_prep_us(train: LoopSet, dense: torch.Tensor, cfg: MvaeConfig, reps: int = 5) -> tuple[float, float]:
    """Median µs per batch: ``densify`` from the NoteTable (trainer) vs indexing the pre-densified tensor (bare)."""
    batches = list(batch_indices(len(train), cfg.train.batch_size, np.random.default_rng(cfg.train.seed)))
    a, b = [], []
    for _ in range(reps):
        t0 = time.perf_counter()
        for index in batches:
            densify(train, index, cfg.data.pitch_classes)
        t1 = time.perf_counter()
        for index in batches:
            dense[torch.from_numpy(index)]
        t2 = time.perf_counter()
        a.append((t1 - t0) / len(batches))
        b.append((t2 - t1) / len(batches))
    return statistics.median(a) * 1e6, statistics.median(b) * 1e6


def max_param_diff(a: nn.Module, b: nn.Module) -> float:
    sa, sb = a.state_dict(), b.state_dict()
    return max(float((sa[k].double() - sb[k].double()).abs().max()) if sa[k].numel() else 0.0 for k in sa)


def throughput_config(args: argparse.Namespace) -> MvaeConfig:
    """The config both variants train with: the defaults, the model and size of ``args``, Adam lr 1e-3, no plugins.
    Raises :class:`MvaeError` for a model name no package provides."""
    cfg = MvaeConfig.model_validate(
        {
            "model": {"hidden": args.hidden, **({"name": args.model} if args.model else {})},
            "train": {
                "batch_size": args.batch_size,
                "epochs": args.epochs,
                "seed": args.seed,
                "lr": 1e-3,
                "precision": args.precision,
                "deterministic": not args.nondeterministic,
            },
            "plugins": {"enabled": ["none"]},
        }
    )
    build_model(cfg)  # the model's name and settings checked before any data is made
    return cfg


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default=None, help="model.name (default: the config default)")
    parser.add_argument("--hidden", type=count, default=512, help="model.hidden (default 512, the config default)")
    parser.add_argument("--batch-size", type=count, default=64)
    parser.add_argument("--steps", type=count, default=10, help="optimizer steps per epoch (train set = steps × batch)")
    parser.add_argument("--epochs", type=count, default=1, help="epochs per timed fit() / bare run")
    parser.add_argument("--rounds", type=count, default=24, help="timed rounds; each runs trainer and bare once (ABBA)")
    parser.add_argument("--val-loops", type=count, default=32, help="size of the (tiny) validation set")
    parser.add_argument("--gemm-n", type=count, default=2048)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data", type=folder, default=None, help="real MIDI folder instead of synthetic loops")
    parser.add_argument(
        "--threads",
        type=count_or_zero,
        default=1,
        help="torch.set_num_threads for both variants; 0 = torch's default (all cores)",
    )
    parser.add_argument("--profile", action="store_true", help="also cProfile one trainer fit() and print the top")
    parser.add_argument(
        "--plugins", choices=("none", "all"), default="none",
        help="the trainer's plugins: none, or all = the five built-ins plus one with empty per-step hooks",
    )  # fmt: skip
    parser.add_argument(
        "--grad-norm", action="store_true", help="with --plugins all: the empty hooks ask for grad_norm"
    )
    parser.add_argument("--device", default="cpu", help="cpu, or cuda: both variants and the GEMM run there")
    parser.add_argument(
        "--precision", choices=("fp32", "bf16"), default="fp32", help="train.precision for both variants"
    )
    parser.add_argument(
        "--bare-reads-loss",
        action="store_true",
        help="the bare loop reads its loss on the host every step, as the trainer does (on a GPU: a synchronisation)",
    )
    parser.add_argument(
        "--nondeterministic", action="store_true", help="on CUDA: train.deterministic = false for both variants"
    )
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    global DEVICE
    try:
        DEVICE = torch.device(args.device)
    except RuntimeError as error:  # torch's words: "Expected one of cpu, cuda, ... device type ..."
        parser.error(f"argument --device: {error}")
    try:
        cfg = throughput_config(args)
    except MvaeError as error:  # a model name no package provides
        parser.error(str(error))
    n_train = args.steps * args.batch_size
    try:
        train, val, label = make_data(cfg, n_train, args.val_loops, args.data)
    except MvaeError as error:  # a --data folder with too few loops
        parser.error(f"argument --data: {error}")
    dense = densify(train, np.arange(len(train)), cfg.data.pitch_classes)  # the bare loop's pre-densified data
    samples = n_train * args.epochs

    # the trainer's initial weights (seeded init + anything data-dependent it does), for the bare model

    def hosts() -> PluginHost:
        """A fresh host (plugins and their state) for every run."""
        return make_host(args.plugins, args.grad_norm)

    probe = Trainer(cfg, train, val, PluginHost({})).model
    initial = copy.deepcopy(probe.state_dict())
    forward_flops = forward_flops_per_sample(probe, dense[: args.batch_size])
    flops_per_sample = 3 * forward_flops  # the bound's count (issue 15's target is stated in it)
    step_flops = step_flops_per_sample(probe, dense[: args.batch_size], cfg)  # a real step's, counted
    load_before = os.getloadavg()[0]
    print(
        f"torch {torch.__version__}, {torch.get_num_threads()} thread(s), load average {load_before:.2f} · "
        f"data: {label} · train {n_train} examples, val {len(val)} · model {cfg.model.name}, hidden {args.hidden}, "
        f"batch {args.batch_size}, {args.steps} steps × {args.epochs} epoch(s) · trainer plugins: "
        f"{', '.join(hosts().names) or 'none'}{' (grad_norm asked)' if args.grad_norm else ''} · "
        f"precision {args.precision} · device {device_name()}"
        f"{' (deterministic kernels)' if deterministic_kernels(cfg.train.deterministic, DEVICE) else ''}"
        f"{' · the bare loop reads its loss every step' if args.bare_reads_loss else ''}"
    )
    print(
        f"model: {sum(p.numel() for p in probe.parameters()):,} parameters, forward matmul FLOPs/sample {forward_flops / 1e6:.2f} M, "
        f"training FLOPs/sample {flops_per_sample / 1e6:.1f} M (3 × forward, the roofline's count; one step's forward "
        f"and backward counted: {step_flops / 1e6:.1f} M, without the first layer's input gradient)"
    )

    # untimed warm-up of both paths (allocator, MKL/oneDNN kernels, lazy imports)
    warm = cfg.model_copy(deep=True)
    warm.train.epochs = 1
    small = LoopSet(train.table, train.loops[: 4 * args.batch_size], train.shifts[: 4 * args.batch_size])
    run_trainer(warm, small, val, hosts())
    run_bare(warm, dense[: 4 * args.batch_size], initial)

    fit_t, val_fit_t, val_t, bare_t, gemm, gemm_bf16 = [], [], [], [], [], []
    param_diff = None
    for r in range(args.rounds):
        gemm.append(gemm_gflops(args.gemm_n))
        if args.precision == "bf16":
            gemm_bf16.append(gemm_gflops(args.gemm_n, dtype=torch.bfloat16))
        order = ("trainer", "bare") if r % 2 == 0 else ("bare", "trainer")
        for variant in order:
            if variant == "trainer":
                fit, val_in_fit, val_pass, trainer = run_trainer(cfg, train, val, hosts())
                fit_t.append(fit)
                val_fit_t.append(val_in_fit)
                val_t.append(val_pass)
            else:
                bare, bare_model = run_bare(cfg, dense, initial, args.bare_reads_loss)
                bare_t.append(bare)
        if r == 0 and args.plugins == "none":
            param_diff = max_param_diff(trainer.model, bare_model)
        train_only = fit_t[-1] - val_fit_t[-1]
        print(
            f"  round {r + 1}/{args.rounds} ({'/'.join(order)}): trainer fit {fit_t[-1][0]:.3f}s "
            f"(val in fit {val_fit_t[-1][0] / args.epochs * 1e3:.1f} ms/epoch, warm {val_t[-1][0] * 1e3:.1f}) "
            f"train-only {samples / train_only[0]:7.1f}/s · "
            f"bare {samples / bare_t[-1][0]:7.1f}/s · ratio {bare_t[-1][0] / train_only[0]:.3f} "
            f"(CPU time {bare_t[-1][1] / train_only[1]:.3f}) · GEMM {gemm[-1]:.1f} GFLOP/s"
        )

    med = statistics.median
    times = {  # name → [rounds, (wall, cpu, page faults)]
        "trainer_train_only": np.array(fit_t) - np.array(val_fit_t),
        "trainer_fit_incl_val": np.array(fit_t),
        "bare": np.array(bare_t),
    }
    sps = {k: samples / np.median(t[:, 0]) for k, t in times.items()}
    sps_cpu = {k: samples / np.median(t[:, 1]) for k, t in times.items()}
    per_round = times["bare"][:, :2] / times["trainer_train_only"][:, :2]  # per-round trainer/bare ratio (wall, cpu)
    gemm_rate = med(gemm) * 1e9
    roofline = gemm_rate / flops_per_sample
    roofline_counted = gemm_rate / step_flops
    ratio = float(np.median(per_round[:, 0]))  # headline: median of paired per-round ratios
    ratio_of_medians = sps["trainer_train_only"] / sps["bare"]
    ratio_cpu = float(np.median(per_round[:, 1]))
    ratio_incl_val = sps["trainer_fit_incl_val"] / sps["bare"]
    boot = np.random.default_rng(0).choice(per_round[:, 0], size=(2000, len(per_round)))
    ci = np.percentile(np.median(boot, axis=1), [2.5, 97.5])  # bootstrap 95% interval of the paired median
    densify_us, index_us = batch_prep_us(train, dense, cfg)
    bare_step_us = np.median(times["bare"][:, 0]) / (samples / args.batch_size) * 1e6
    load_after = os.getloadavg()[0]

    print()
    names = {
        "trainer_train_only": "trainer (train only)",
        "trainer_fit_incl_val": "trainer fit() incl. val",
        "bare": "bare PyTorch loop",
    }
    print(
        f"{'variant':<26}{'median s':>10}{'samples/s':>11}{'min..max samples/s':>21}{'of roofline':>12}"
        f"{'of counted':>12}{'CPU-time samples/s':>20}"
    )
    for key, name in names.items():
        wall = times[key][:, 0]
        print(
            f"{name:<26}{np.median(wall):>10.3f}{sps[key]:>11.1f}"
            f"{f'{samples / wall.max():.1f}..{samples / wall.min():.1f}':>21}{sps[key] / roofline:>12.1%}"
            f"{sps[key] / roofline_counted:>12.1%}{sps_cpu[key]:>20.1f}"
        )
    print(f"{'roofline (GEMM rate)':<26}{'':>10}{roofline:>11.1f}{'':>21}{'':>12}{roofline_counted:>12.1f}")
    print(
        f"of roofline: the GEMM rate over 3 × forward ({flops_per_sample / 1e6:.1f} M FLOPs/sample); of counted: over "
        f"one step's forward and backward as torch counts them ({step_flops / 1e6:.1f} M), which skip the first "
        "layer's input gradient"
    )
    print()
    print(f"fp32 GEMM {args.gemm_n}²: {med(gemm):.1f} GFLOP/s (median of {len(gemm)} rounds, one per round)")
    if gemm_bf16:
        bf16_roofline = med(gemm_bf16) * 1e9 / flops_per_sample
        print(
            f"bf16 GEMM {args.gemm_n}²: {med(gemm_bf16):.1f} GFLOP/s: a bf16 roofline of {bf16_roofline:.1f} "
            f"samples/s, of which the trainer reaches {sps['trainer_train_only'] / bf16_roofline:.1%} "
            f"({sps['trainer_train_only'] * step_flops / (med(gemm_bf16) * 1e9):.1%} of the counted one; "
            "the roofline above stays the fp32 one)"
        )
    print(
        f"ratio trainer/bare (train only, wall, median of {len(per_round)} paired rounds): {ratio:.3f}  "
        f"[95% bootstrap interval {ci[0]:.3f}..{ci[1]:.3f}, "
        f"rounds {per_round[:, 0].min():.3f}..{per_round[:, 0].max():.3f}]"
    )
    print(
        f"  ratio of the unpaired medians {ratio_of_medians:.3f} · paired, CPU time {ratio_cpu:.3f} · "
        f"fit() incl. validation (unpaired medians) {ratio_incl_val:.3f}"
    )
    print(f"target >= 0.97 (train only, wall): {'met' if ratio >= 0.97 else 'NOT met'}")
    print(
        f"batch preparation: densify {densify_us:.0f} µs/batch vs indexing the pre-densified tensor "
        f"{index_us:.0f} µs "
        f"(a bare step takes {bare_step_us / 1e3:.1f} ms; difference {(densify_us - index_us) / bare_step_us:+.2%})"
    )
    dispatch_us = step_dispatch_us(Trainer(cfg, train, val, hosts(), device=DEVICE))
    print(
        f"per-step hook calls with these plugins: {dispatch_us:.1f} µs per step (median of 2000), "
        f"{dispatch_us / bare_step_us:.3%} of a bare step"
    )
    if param_diff is not None:
        print(f"same parameters as the bare loop after round 1 (max |Δ|): {param_diff:.3g}")
    else:
        print(
            "parameters not compared: the plugins' loss weights make the trainer's arithmetic differ from the bare loop's"
        )
    faults = {k: np.median(times[k][:, 2]) for k in ("trainer_fit_incl_val", "bare")}
    print(
        "minor page faults per timed run, median (malloc returning and re-faulting memory; varies with heap "
        f"history): trainer fit() {faults['trainer_fit_incl_val']:.0f}, bare {faults['bare']:.0f}"
    )
    print(f"1-min load average before/after: {load_before:.2f}/{load_after:.2f} (other processes distort wall times)")

    if args.profile:
        profiler = cProfile.Profile()
        trainer = Trainer(cfg, train, val, hosts(), device=DEVICE)
        profiler.enable()
        trainer.fit()
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(15)

    print(
        json.dumps(
            {
                "benchmark": "throughput",
                "data": "synthetic" if args.data is None else str(args.data),
                "model": cfg.model.name,
                "precision": args.precision,
                "device": device_name(),
                "deterministic": deterministic_kernels(cfg.train.deterministic, DEVICE),
                "bare_reads_loss": args.bare_reads_loss,
                "hidden": args.hidden,
                "plugins": args.plugins,
                "grad_norm_asked": args.grad_norm,
                "batch_size": args.batch_size,
                "steps_per_epoch": args.steps,
                "epochs": args.epochs,
                "rounds": args.rounds,
                "threads": torch.get_num_threads(),
                "torch": torch.__version__,
                "load_average_before_after": [round(load_before, 2), round(load_after, 2)],
                "samples_per_s": {k: round(v, 1) for k, v in sps.items()},
                "samples_per_cpu_s": {k: round(v, 1) for k, v in sps_cpu.items()},
                "ratio_train_only": round(ratio, 4),
                "ratio_train_only_ci95": [round(float(c), 4) for c in ci],
                "ratio_train_only_of_unpaired_medians": round(ratio_of_medians, 4),
                "ratio_per_round": [round(float(r), 4) for r in per_round[:, 0]],
                "ratio_train_only_cpu_time": round(ratio_cpu, 4),
                "ratio_incl_val_of_unpaired_medians": round(ratio_incl_val, 4),
                "densify_us_per_batch": round(densify_us, 1),
                "index_predensified_us_per_batch": round(index_us, 1),
                "bare_ms_per_step": round(bare_step_us / 1e3, 2),
                "step_hook_dispatch_us": round(dispatch_us, 2),
                "page_faults_median": {k: int(v) for k, v in faults.items()},
                "val_ms_per_epoch": round(float(np.median(np.array(val_t)[:, 0])) * 1e3, 2),
                "val_in_fit_ms_per_epoch": round(float(np.median(np.array(val_fit_t)[:, 0])) / args.epochs * 1e3, 2),
                "gemm_gflops": round(med(gemm), 1),
                "gemm_bf16_gflops": round(med(gemm_bf16), 1) if gemm_bf16 else None,
                "train_flops_per_sample": flops_per_sample,
                "roofline_samples_per_s": round(roofline, 1),
                "roofline_fraction": {k: round(v / roofline, 4) for k, v in sps.items()},
                "step_flops_per_sample_counted": step_flops,
                "roofline_counted_samples_per_s": round(roofline_counted, 1),
                "roofline_counted_fraction": {k: round(v / roofline_counted, 4) for k, v in sps.items()},
                "max_param_diff": param_diff,
                "target_ratio": 0.97,
                "target_met": bool(ratio >= 0.97),
            }
        )
    )


if __name__ == "__main__":
    main()
