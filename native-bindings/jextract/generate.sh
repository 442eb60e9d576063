#!/usr/bin/env bash
# Regenerates the FFM bindings with gen.py (our jextract stand-in). Header directories:
#   CUDA_INCLUDE  (default /usr/local/cuda/include)  cuda.h, and nvrtc.h / cublas*.h when the toolkit has them
#   EXTRA_INCLUDE (no default) where nvrtc.h, library_types.h, cublas_api.h, cublas_v2.h, cudnn_*.h live
#                 when the toolkit lacks them (e.g. site-packages/nvidia/*/include from the pip wheels)
set -euo pipefail
cd "$(dirname "$0")"
OUT=../src/main/java/dev/lottery/bindings
CUDA_INCLUDE=${CUDA_INCLUDE:-/usr/local/cuda/include}
find_header() {
  for d in "$CUDA_INCLUDE" ${EXTRA_INCLUDE:-}; do [[ -f "$d/$1" ]] && { echo "$d/$1"; return; }; done
  echo "missing header $1 (set EXTRA_INCLUDE)" >&2; exit 1
}
python3 gen.py cuda_h cuda.includes "$OUT" "$(find_header cuda.h)"
python3 gen.py nvrtc_h nvrtc.includes "$OUT" "$(find_header nvrtc.h)"
python3 gen.py cublas_v2_h cublas_v2.includes "$OUT" "$(find_header library_types.h)" "$(find_header cublas_api.h)" "$(find_header cublas_v2.h)"
python3 gen.py cudnn_h cudnn.includes "$OUT" "$(find_header cudnn_version.h)" "$(find_header cudnn_graph.h)" \
  "$(find_header cudnn_ops.h)" "$(find_header cudnn_cnn.h)"
