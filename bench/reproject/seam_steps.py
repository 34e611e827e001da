#!/usr/bin/python3
"""Largest level step across the interior of each mosaic named (figures for docs/benchmarks.md):
the median profile along y (each row's median) and along x, then the largest difference between
the means of 8 profile points before and after any point within 8-92 % of the extent (the
mosaic's own edges left out). A seam between tiles that photometric matching left apart shows
as a step of the profile; stars and noise hardly move a median over a whole row.

    /usr/bin/python3 bench/reproject/seam_steps.py DIR/mosaic.fits [...]
"""
import sys

import numpy as np
from astropy.io import fits

for path in sys.argv[1:]:
    d = fits.getdata(path).astype(float)
    if d.ndim == 3:
        d = d[0]
    out = []
    for axis, label in ((1, "y"), (0, "x")):
        prof = np.nanmedian(d, axis=axis)
        n = len(prof)
        lo, hi, w = int(0.08 * n), int(0.92 * n), 8
        jumps = [abs(np.mean(prof[i:i + w]) - np.mean(prof[i - w:i])) for i in range(lo + w, hi - w)]
        k = int(np.argmax(jumps))
        noise = 1.4826 * np.median(np.abs(np.diff(prof[lo:hi])))
        out.append(f"{label}: {max(jumps):6.2f} at {lo + w + k}/{n} (profile noise {noise:.2f})")
    print(f"{path}: largest step " + "; ".join(out))
