#!/usr/bin/env python3
# Per-channel step of a two-tile colour mosaic (docs/reproject.md, "Colour match"): the stars that
# only tile 0 covers (mosaic / tile 0) against those that only tile 1 covers (mosaic / tile 1 x
# tile 1 / tile 0 of the overlap's stars), per channel; 1 everywhere when the tiles agree.
# Aperture 8 px, annulus 12-18 px. Run in a Classic output folder (mosaic.fits, master_tiles/):
#   cd OUT && /usr/bin/python3 .../bench/science/colourstep.py
import os, sys, numpy as np
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import realaudit as ra, starshape as ss
from astropy.wcs import WCS
dm, hm = ra.cube('mosaic.fits')
t = [ra.cube('master_tiles/master_tile_%03d.fits' % k) for k in (0, 1)]
wm = WCS(hm).celestial; wt = [WCS(h).celestial for _, h in t]
st = ss.measure(np.nanmean(dm, axis=0), 20.0)
r, d = wm.all_pix2world(st[:, 0], st[:, 1], 0)
R = dict(r=8, r1=12, r2=18)
only0, only1, both = [], [], []
for k in range(len(st)):
    fm = ra.aper_all(dm, st[k, 0], st[k, 1], **R)
    f = []
    for (dt, _), w in zip(t, wt):
        x, y = w.all_world2pix(r[k], d[k], 0)
        f.append(ra.aper_all(dt, float(x), float(y), **R))
    ok = [np.all(np.isfinite(v)) and np.all(v > 0) for v in f]
    if not np.all(np.isfinite(fm)) or not np.all(fm > 0): continue
    if ok[0] and ok[1]: both.append(f[1] / f[0])
    elif ok[0]: only0.append(fm / f[0])
    elif ok[1]: only1.append(fm / f[1])
only0, only1, both = map(np.array, (only0, only1, both))
print('stars: tile0 only %d, tile1 only %d, overlap %d' % (len(only0), len(only1), len(both)))
step = []
for c, n in enumerate('RGB'):
    m0, s0 = ra.robust(only0[:, c]); m1, s1 = ra.robust(only1[:, c]); rho, sr = ra.robust(both[:, c])
    e = np.sqrt((s0 / m0) ** 2 / len(only0) + (s1 / m1) ** 2 / len(only1) + (sr / rho) ** 2 / len(both)) * 1.2533
    step.append(m1 * rho / m0)
    print('%s: mosaic/tile0 in tile0-only %.4f, in tile1-only %.4f (tile1/tile0 %.4f): step %.4f +- %.4f' % (n, m0, m1 * rho, rho, step[-1], e))
print('colour step against G: R %+.1f %%, B %+.1f %%' % (100 * (step[0] / step[1] - 1), 100 * (step[2] / step[1] - 1)))
