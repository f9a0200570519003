#!/bin/sh
# The GPU checks of issue 15 as one short job for a machine with a CUDA device (docs/scaling.md#gpu). Run on an
# NVIDIA H200 on 2026-12-04: about 5 minutes (about 6 expected with the larger-batch evaluation added since),
# results in docs/benchmarks.md.
#
#   bench/gpu_check.sh fetch   here, with the package registry reachable: the wheels mvae needs beyond the GPU
#                              image's own packages (Python 3.12, torch, numpy, pluggy, typer, rich, pytest, ...)
#                              into .whl/, and the held-out-capable WJD dev folder into .gpudata/ (both ignored
#                              by git through .git/info/exclude)
#   bench/gpu_check.sh run     there, from the repository root, with .whl and .gpudata carried; each output goes to
#                              $OUT (default runs/gpu-check), written as it is made:
#                              gpu.txt          the device and torch
#                              cuda_tests.txt   the CUDA tests (pytest -m cuda tests/test_cuda.py)
#                              throughput.txt   bench/throughput.py on the device: both built-in models, fp32 and
#                                               bf16, batch 64 and 1024, deterministic kernels off, and the bare
#                                               loop reading its loss every step as the trainer does
#                              precision.txt    bench/evaluation.py on WJD (held-out players), melody_rnn trained on
#                                               the device in fp32 and in bf16 (what bf16 does to the numbers), and
#                                               at batch 512 with lr 0.003 (what the larger batch does to them)
#                              eval_fp32.json, eval_bf16.json, eval_fp32_b512.json   the evaluations' results
#
# The evaluations read pitch rows 48..71 (data.pitch_low=48), as the H200 table and the CPU numbers they are compared
# with in docs/benchmarks.md; each run's evaluations train in a fresh temporary folder, removed at the end.
#
# A device call: run(command="sh bench/gpu_check.sh run", carry=[".whl", ".gpudata"], timeout_s=560). The inner
# timeouts add up to 1,110 s (pytest 150, 10 throughput runs x 60, 3 evaluations x 120), more than 560: the job took
# about 5 minutes on the H200, and a slower device is stopped by the outer limit, keeping the outputs made so far.
# A dry run of the plumbing on any machine (the CUDA tests then skip; the .gpudata copy is what fetch makes):
#   mkdir -p .gpudata && cp -r ../shared/data/dev/wjd_performed .gpudata/
#   GPU_CHECK_DEVICE=cpu GPU_CHECK_EPOCHS=1 GPU_CHECK_GEMM_N=512 GPU_CHECK_ROUNDS=1 GPU_CHECK_STEPS=2 \
#       OUT=/tmp/gpu-check PYTHON=.venv/bin/python sh bench/gpu_check.sh run
# (GPU_CHECK_ROUNDS and GPU_CHECK_STEPS, default 4 and 20, are throughput.py's --rounds and --steps: at the defaults a
# CPU cannot finish a throughput run within its 60 s.)
set -u
WHEELS="pydantic==2.14.4 pydantic-core==2.50.5 annotated-types==0.8.0 typing-inspection==0.4.5 pretty_midi==0.2.11.post0
mido==1.3.3 importlib_resources==7.1.0 tomli-w==1.2.0"
DATA=../shared/data/dev/wjd_performed

case "${1:-}" in
fetch)
    for ignored in /.whl/ /.gpudata/; do
        grep -qx "$ignored" .git/info/exclude 2>/dev/null || echo "$ignored" >> .git/info/exclude
    done
    # shellcheck disable=SC2086  # one argument per requirement
    python3 -m pip download --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
        --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 \
        -d .whl $WHEELS
    mkdir -p .gpudata && cp -r "$DATA" .gpudata/
    ;;
run)
    # throughput "MODEL PRECISION BATCH [FLAG]": one bench/throughput.py run on the device, appended to throughput.txt
    throughput() {
        # shellcheck disable=SC2086  # the words of one run
        set -- $1
        echo "=== $*" >> "$out/throughput.txt"
        timeout 60 "$python" bench/throughput.py --device "$device" --model "$1" --precision "$2" --batch-size "$3" \
            --threads 0 --rounds "$rounds" --steps "$steps" --gemm-n "$gemm_n" ${4:-} >> "$out/throughput.txt" 2>&1
        echo "exit $?" >> "$out/throughput.txt"
    }
    out="${OUT:-runs/gpu-check}"
    device="${GPU_CHECK_DEVICE:-cuda}"
    epochs="${GPU_CHECK_EPOCHS:-8}"
    python="${PYTHON:-python3}"
    gemm_n="${GPU_CHECK_GEMM_N:-8192}"
    rounds="${GPU_CHECK_ROUNDS:-4}"
    steps="${GPU_CHECK_STEPS:-20}"
    mkdir -p "$out"
    work=$(mktemp -d /tmp/gpu-check-XXXXXX)  # the evaluations' runs: never an earlier run's, which they would reuse
    trap 'rm -rf "$work"' EXIT
    if [ "$device" = cuda ]; then
        "$python" -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site \
            .whl/*.whl || exit 1
        export PYTHONPATH="/tmp/site:$PWD"
    fi
    export PYTHONUNBUFFERED=1 OMP_NUM_THREADS=4
    { nvidia-smi -L; "$python" -c "import torch; print(torch.__version__, torch.cuda.is_available() and \
torch.cuda.get_device_name(0))"; nproc; } > "$out/gpu.txt" 2>&1
    timeout 150 "$python" -m pytest -v -m cuda tests/test_cuda.py -p no:cacheprovider > "$out/cuda_tests.txt" 2>&1
    echo "pytest exit $?" >> "$out/cuda_tests.txt"
    for run in "seed fp32 64" "seed fp32 64 --bare-reads-loss" "melody_rnn fp32 64" "melody_rnn bf16 64" \
        "melody_rnn fp32 64 --nondeterministic" "seed bf16 64" "seed fp32 64 --nondeterministic"; do
        throughput "$run"
    done
    # "PRECISION BATCH LR": fp32 and bf16 at the default batch, then a larger batch with a larger learning rate
    for config in "fp32 64 0.001" "bf16 64 0.001" "fp32 512 0.003"; do
        # shellcheck disable=SC2086  # the words of one configuration
        set -- $config
        name="$1"
        [ "$2" = 64 ] || name="$1_b$2"
        echo "=== melody_rnn $1, batch $2, lr $3 on $device, $epochs epochs" >> "$out/precision.txt"
        start=$(date +%s)
        timeout 120 "$python" bench/evaluation.py --data .gpudata/wjd_performed --models melody_rnn \
            --epochs "$epochs" --samples 1024 --out "$work/$name" --set "train.device=\"$device\"" \
            --set "train.precision=\"$1\"" --set "train.batch_size=$2" --set "train.lr=$3" --set data.pitch_low=48 \
            >> "$out/precision.txt" 2>&1
        echo "exit $? after $(($(date +%s) - start)) s" >> "$out/precision.txt"
        cp "$work/$name/wjd_performed/results.json" "$out/eval_$name.json" 2>/dev/null
    done
    for run in "seed fp32 1024" "melody_rnn fp32 1024" "melody_rnn bf16 1024"; do
        throughput "$run"
    done
    tail -n 4 "$out"/*.txt
    ;;
*)
    echo "usage: bench/gpu_check.sh fetch | run" >&2
    exit 2
    ;;
esac
