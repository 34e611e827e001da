#!/usr/bin/env python3
"""The CuPy peer of the Phase 3 benchmark: the original program's kappa-sigma stack on the GPU
(median, population std, keep med - k*sd <= x <= med + k*sd, weighted mean of the kept samples)
over the same shape as GpuBench (100 frames x 1080 x 1920, three channels, in bands of 64 rows).
Prints one line: CUPY_KAPPA_MS=<ms for the three channels, uploads included>."""
import sys
import time

import numpy as np
import cupy as cp

frames, h, w, band, k = 100, 1080, 1920, 64, 2.5
if len(sys.argv) > 1 and sys.argv[1] == "small":
    frames, h, w, band = 12, 64, 256, 16
rng = np.random.default_rng(1)
bands = []
for y0 in range(0, h, band):
    rows = min(band, h - y0)
    x = (1000 + 50 * (rng.random((frames, rows, w), dtype=np.float32) - 0.5)).astype(np.float32)
    hot = rng.random((frames, rows, w), dtype=np.float32) > 0.98
    x[hot] += 5000
    bands.append(x)
weights = cp.asarray(0.8 + 0.4 * rng.random(frames), dtype=cp.float32)[:, None, None]


def stack(x):
    med = cp.median(x, axis=0)
    sd = x.std(axis=0)
    keep = (x >= med - k * sd) & (x <= med + k * sd)
    wk = cp.where(keep, weights, 0)
    return (wk * x).sum(axis=0) / wk.sum(axis=0)


stack(cp.asarray(bands[0]))  # warm-up: kernel compilation, pool
cp.cuda.Device().synchronize()
t0 = time.perf_counter()
for _ in range(3):
    for b in bands:
        out = stack(cp.asarray(b))
        out.get()
cp.cuda.Device().synchronize()
print("CUPY_KAPPA_MS=%.0f" % ((time.perf_counter() - t0) * 1e3))
