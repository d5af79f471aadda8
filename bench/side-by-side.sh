#!/usr/bin/env bash
# Side-by-side runs of Flint and PyTorch eager (tuned) on this machine, alternating so that drifts in the shared
# machine's speed hit both alike. Prints every row, then per row the median over rounds of the median times.
# usage: bench/side-by-side.sh [ROUNDS] [W1 W2 ...]      (default: 3 rounds, W2..W8)
# Needs the PyTorch peer (../shared/peers/pytorch, see WORKLOADS.md) and a Release build of bench/Flint.Bench.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-3}; shift || true
WS=("$@"); [ ${#WS[@]} -eq 0 ] && WS=(W2 W3 W4 W5 W6 W7 W8)
PEER=${PEER:-../shared/peers/pytorch}  # a worktree elsewhere sets PEER=/work/shared/peers/pytorch
FLINT=bench/Flint.Bench/bin/Release/net10.0/Flint.Bench.dll
OMP_BLAS_DIR=/usr/lib/x86_64-linux-gnu/openblas-openmp
tuned() { env -u OPENBLAS_CORETYPE LD_LIBRARY_PATH="$OMP_BLAS_DIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
  GLIBC_TUNABLES=glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=17179869184 "$@"; }
out=$(mktemp)
for r in $(seq "$ROUNDS"); do
  for w in "${WS[@]}"; do
    dotnet "$FLINT" "$w" | sed 's/^/flint /'
    (cd "$PEER" && tuned /usr/bin/python3 bench.py "$w") | grep -v '^#' | sed 's/^/pytorch /'
    case $w in W3|W4|W5) tuned /usr/bin/python3 bench/pytorch/forward.py "$w" | grep -v '^#' | sed 's/^/pytorch /' ;; esac
  done
done | tee "$out"
echo "# median over $ROUNDS rounds of each row's median (ms)"
/usr/bin/python3 - "$out" <<'PY'
import re, statistics, sys
rows = {}
for line in open(sys.argv[1]):
    f = line.split()
    m = re.search(r"median_(ms|us)=([0-9.]+)", line)
    if len(f) < 4 or not m:
        continue
    key = " ".join(f[:3]) + (" " + f[3] if f[3].startswith("mode=") or f[3].lower().startswith("n=") else "")
    key = key.replace("N=", "n=")
    rows.setdefault(key, []).append(float(m.group(2)) / (1000 if m.group(1) == "us" else 1))
for key in sorted(rows, key=lambda k: (k.split()[1], k.split()[2], k.split()[0])):
    print(f"{key:<55} {statistics.median(rows[key]):10.4g}   (rounds: {' '.join(f'{v:.4g}' for v in rows[key])})")
PY
rm -f "$out"
