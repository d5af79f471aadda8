#!/usr/bin/python3
"""Fits the rational function behind Flint's float32 vector gelu (VMath.Gelu in
src/Flint/Kernels/Cpu/ActivationKernels.cs) and prints its coefficients.

    h(a) = Phi(-a) = erfc(a / sqrt 2) / 2  ~  P(a) / Q(a),   0 <= a <= A,   deg P = 6, deg Q = 7, Q(0) = 1

gelu(x) = x * Phi(x) is then x * h(|x|) for x < 0 and x * (1 - h(|x|)) otherwise; beyond A, h is taken as 0
(Phi(-5.6) = 1.1e-8). Written as h, the small side of Phi keeps its accuracy in the negative tail, where
1 + erf(x / sqrt 2) would cancel in float32.

The fit minimises the largest error of the gelu it yields, |x| * |P/Q - h| (weight max(a, 1)), by linearised
least squares (P - h*Q = 0, divided by the previous Q) with Lawson reweighting towards the minimax solution.
Only numpy and the standard library's erfc (double) are needed. Then it rounds the coefficients to float32
and reports the error of a float32 evaluation (FMA Horner; the kernel evaluates in Estrin's order, which rounds
a little differently: its test pins the result).

usage: tools/approx/fit_gelu_tail.py [degP degQ A]      (defaults 6 7 5.6)
"""
import math
import sys

import numpy as np

m, k, A = (int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])) if len(sys.argv) > 3 else (6, 7, 5.6)

N = 4000
a = (np.cos(np.pi * (np.arange(N) + 0.5) / N) + 1) * A / 2  # Chebyshev nodes on [0, A]
h = np.array([0.5 * math.erfc(v / math.sqrt(2)) for v in a])
w = np.maximum(a, 1.0)


def solve(weight, q_prev):
    cols = [a ** i for i in range(m + 1)] + [-h * a ** j for j in range(1, k + 1)]
    M = np.stack(cols, 1) * (weight / q_prev)[:, None]
    sol, *_ = np.linalg.lstsq(M, h * weight / q_prev, rcond=None)
    return sol[: m + 1], np.concatenate([[1.0], sol[m + 1:]])


q_vals, lawson, best = np.ones(N), np.ones(N), None
for _ in range(200):
    p, q = solve(w * lawson, q_vals)
    q_vals = np.polyval(q[::-1], a)
    err = (np.polyval(p[::-1], a) / q_vals - h) * w
    e = np.abs(err).max()
    if best is None or e < best[0]:
        best = (e, p.copy(), q.copy())
    lawson = lawson * np.sqrt(np.abs(err) / e + 1e-3)
    lawson /= lawson.max()
e, p, q = best
assert np.polyval(q[::-1], a).min() > 0.5, "Q must stay away from 0 on [0, A]"

pf, qf = p.astype(np.float32), q.astype(np.float32)
af = a.astype(np.float32)


def horner_fma(c, x):  # float32 Horner with one rounding per step, as Vector256.FusedMultiplyAdd
    r = np.full_like(x, c[-1])
    for cc in c[-2::-1]:
        r = (r.astype(np.float64) * x.astype(np.float64) + np.float64(cc)).astype(np.float32)
    return r


hf = (horner_fma(pf, af) / horner_fma(qf, af)).astype(np.float32)
exact = np.array([0.5 * math.erfc(float(v) / math.sqrt(2)) for v in af])
print(f"# deg P {m}, deg Q {k}, A {A}: max |x|*|h err| {e:.3g} (double), {(np.abs(hf - exact) * np.maximum(af, 1)).max():.3g} (float32)")
print("P (a^0 first):", ", ".join(f"{float(v)!r}f" for v in pf))
print("Q (a^0 first):", ", ".join(f"{float(v)!r}f" for v in qf))
