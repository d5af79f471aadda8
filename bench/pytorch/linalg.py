"""PyTorch's side of Flint.Bench's "linalg" mode: torch.linalg.inv, solve (one right-hand side) and svd of a 512x512
float64 matrix, measured as Flint's LinalgBench measures them: 3 s of warm-up, then per call the median wall time
and the process CPU time (all threads).

Run: /usr/bin/python3 bench/pytorch/linalg.py [threads]   (default 2)
"""
import sys
import time

import torch


def report(what, threads, fn, iterations):
    t0 = time.perf_counter()
    i = 0
    while i < 3 or time.perf_counter() - t0 < 3:
        fn()
        i += 1
    wall = []
    cpu0 = time.process_time()
    for _ in range(iterations):
        t = time.perf_counter()
        fn()
        wall.append((time.perf_counter() - t) * 1000)
    cpu = (time.process_time() - cpu0) * 1000 / iterations
    wall.sort()
    print(f"linalg {what} float64 threads={threads} median_ms={wall[iterations // 2]:.2f} cpu_ms={cpu:.2f} iters={iterations}")


def main():
    threads = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    torch.set_num_threads(threads)
    n = 512
    g = torch.Generator().manual_seed(0)
    a = torch.randn(n, n, dtype=torch.float64, generator=g)
    b = torch.randn(n, dtype=torch.float64, generator=g)
    print(f"# torch {torch.__version__}, {torch.get_num_threads()} threads, BLAS/LAPACK: "
          f"{[l for l in torch.__config__.show().split(', ') if 'LAPACK_INFO' in l or 'BLAS_INFO' in l]}")
    with torch.no_grad():
        report(f"inv n={n}", threads, lambda: torch.linalg.inv(a), 20)
        report(f"solve n={n} nrhs=1", threads, lambda: torch.linalg.solve(a, b), 20)
        report(f"svd n={n}", threads, lambda: torch.linalg.svd(a), 5)


if __name__ == "__main__":
    main()
