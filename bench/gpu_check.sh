#!/bin/sh
# The GPU checks of issue 15 as one short job for a machine with a CUDA device (docs/scaling.md#gpu). Not yet run:
# no GPU has been lent to mvae's sessions so far.
#
#   bench/gpu_check.sh fetch   here, with the package registry reachable: the wheels mvae needs beyond the GPU
#                              image's own packages (Python 3.12, torch, numpy, pluggy, typer, rich, pytest, ...)
#                              into .whl/, which git ignores (.git/info/exclude)
#   bench/gpu_check.sh run     there, from the repository root, with .whl carried: the CUDA tests
#                              (pytest -m cuda), then bench/throughput.py on the device for every built-in model (and
#                              the default model in bf16);
#                              each output goes to $OUT (default runs/gpu-check)
#
# A device call: run(command="sh bench/gpu_check.sh run", carry=[".whl"], timeout_s=540).
set -u
WHEELS="pydantic==2.14.4 pydantic-core==2.50.5 annotated-types==0.8.0 typing-inspection==0.4.5 pretty_midi==0.2.11.post0
mido==1.3.3 importlib_resources==7.1.0 tomli-w==1.2.0"

case "${1:-}" in
fetch)
    grep -qx '/.whl/' .git/info/exclude 2>/dev/null || echo '/.whl/' >> .git/info/exclude
    # shellcheck disable=SC2086  # one argument per requirement
    python3 -m pip download --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
        --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 \
        -d .whl $WHEELS
    ;;
run)
    out="${OUT:-runs/gpu-check}"
    mkdir -p "$out"
    python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl \
        || exit 1
    export PYTHONPATH="/tmp/site:$PWD" PYTHONUNBUFFERED=1
    nvidia-smi -L > "$out/gpu.txt" 2>&1
    python3 -c "import torch; print(torch.__version__, torch.cuda.get_device_name(0))" >> "$out/gpu.txt" 2>&1
    timeout 200 python3 -m pytest -q -m cuda tests/test_cuda.py -p no:cacheprovider > "$out/cuda_tests.txt" 2>&1
    echo "pytest exit $?" >> "$out/cuda_tests.txt"
    for run in "seed fp32" "melody_rnn fp32" "melody_rnn bf16"; do
        set -- $run
        timeout 100 python3 bench/throughput.py --device cuda --model "$1" --precision "$2" --threads 0 --rounds 6 \
            --steps 20 > "$out/throughput_$1_$2.txt" 2>&1
        echo "exit $?" >> "$out/throughput_$1_$2.txt"
    done
    tail -n 3 "$out"/*.txt
    ;;
*)
    echo "usage: bench/gpu_check.sh fetch | run" >&2
    exit 2
    ;;
esac
