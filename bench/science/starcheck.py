#!/usr/bin/env python3
"""Science checks of Tessera mosaics with astropy (not a test: figures for docs/benchmarks.md).

  starcheck.py modes REF.fits OTHER.fits...   same stars in two mosaics: offset (px) through each
                                              file's own WCS, aperture flux ratio, local sky
  starcheck.py truth MOSAIC.fits TRUTH.csv    isolated stars of a synthetic sky at their true RA/Dec:
                                              astrometric residual (px), flux / truth, its spread and
                                              its plane across the mosaic, by master tile (--tiles DIR)
  starcheck.py alpha MOSAIC.fits COVERAGE.fits  ALPHA, coverage and data agree pixel for pixel

TRUTH.csv: ra,dec,fR,fG,fB (ADU per exposure at unit gain): bench/science/run.sh writes the
built-in sky's, bench/e2e/E2eFrames writes truth_stars.csv beside its truth WCS.
Luminance = mean of the channels; apertures r = 5 px (modes) or 6 px (truth), sky annulus beyond.
"""
import sys, glob, warnings
from collections import defaultdict
import numpy as np
from astropy.io import fits
from astropy.wcs import WCS

warnings.simplefilter('ignore')


def load(path):
    h = fits.open(path)
    d = h[0].data.astype(np.float64)
    img = d.mean(axis=0) if d.ndim == 3 else d
    if 'ALPHA' in h:
        img = np.where(h['ALPHA'].data > 0, img, np.nan)
    return img, WCS(h[0].header).celestial


def centroid(img, x, y, r=4):
    """Iterated first moment above the local sky in a circle of radius r; None near edges or NaN."""
    xi, yi = int(round(x)), int(round(y))
    if xi - 12 < 0 or yi - 12 < 0 or xi + 12 >= img.shape[1] or yi + 12 >= img.shape[0]:
        return None
    sub = img[yi - 12:yi + 13, xi - 12:xi + 13]
    if not np.all(np.isfinite(sub)):
        return None
    bg = np.median(np.concatenate([sub[0], sub[-1], sub[:, 0], sub[:, -1]]))
    yy, xx = np.mgrid[-r:r + 1, -r:r + 1]
    disk = (xx ** 2 + yy ** 2) <= r * r
    for _ in range(5):
        xi, yi = int(round(x)), int(round(y))
        s = np.clip(img[yi - r:yi + r + 1, xi - r:xi + r + 1] - bg, 0, None) * disk
        t = s.sum()
        if not t > 0:
            return None
        x, y = xi + (s * xx).sum() / t, yi + (s * yy).sum() / t
    return x, y


def aper(img, x, y, r=5, r1=9, r2=13):
    """Aperture sum minus the annulus median (5x5 sub-pixel sampling of the aperture edge); NaN off the data."""
    xi, yi = int(round(x)), int(round(y))
    if xi - r2 < 0 or yi - r2 < 0 or xi + r2 >= img.shape[1] or yi + r2 >= img.shape[0]:
        return np.nan
    sub = img[yi - r2:yi + r2 + 1, xi - r2:xi + r2 + 1]
    yy, xx = np.mgrid[yi - r2:yi + r2 + 1, xi - r2:xi + r2 + 1]
    d = np.hypot(xx - x, yy - y)
    bg = np.median(sub[(d >= r1) & (d <= r2)])
    f = 0.0
    for oy in np.linspace(-0.4, 0.4, 5):
        for ox in np.linspace(-0.4, 0.4, 5):
            f += np.sum((sub - bg)[np.hypot(xx + ox - x, yy + oy - y) <= r]) / 25.0
    return f


def detect(img, n=40):
    """The n brightest unsaturated local maxima 30 MAD above the median, 25 px apart."""
    v = np.nan_to_num(img, nan=-1e30)
    med = np.nanmedian(img)
    mad = np.nanmedian(np.abs(img - med)) * 1.4826
    H, W = img.shape
    cand = [(v[y, x], x, y) for y, x in zip(*np.where(v > med + 30 * mad))
            if 20 <= x < W - 20 and 20 <= y < H - 20 and v[y, x] == v[y - 3:y + 4, x - 3:x + 4].max()]
    cand.sort(reverse=True)
    top, out = np.nanmax(img), []
    for val, x, y in cand:
        if val > 0.8 * top or any(abs(x - a) < 25 and abs(y - b) < 25 for a, b in out):
            continue
        out.append((x, y))
        if len(out) >= n:
            break
    return out


def robust(q):
    m = np.median(q)
    return m, 1.4826 * np.median(np.abs(q - m)) / m


def modes(ref_path, others):
    ref, rw = load(ref_path)
    stars = [c for c in (centroid(ref, x, y) for x, y in detect(ref)) if c]
    for other in others:
        img, w = load(other)
        off, rat = [], []
        for x, y in stars:
            ox, oy = w.all_world2pix([rw.all_pix2world([[x, y]], 0)[0]], 0)[0]
            c = centroid(img, ox, oy)
            if c is None:
                continue
            off.append((c[0] - ox, c[1] - oy))
            f0, f1 = aper(ref, x, y), aper(img, *c)
            if f0 > 0 and np.isfinite(f1):
                rat.append(f1 / f0)
        off, rat = np.array(off), np.array(rat)
        r = np.hypot(off[:, 0], off[:, 1])
        m, s = robust(rat)
        print(f"{other} vs {ref_path}: {len(off)} stars; offset median ({np.median(off[:, 0]):+.3f}, "
              f"{np.median(off[:, 1]):+.3f}) px, RMS {np.sqrt((r ** 2).mean()):.3f} px, max {r.max():.3f}; "
              f"flux ratio median {m:.4f}, robust spread {100 * s:.2f}%, min {rat.min():.3f} max {rat.max():.3f}; "
              f"sky median {np.nanmedian(ref):.1f} / {np.nanmedian(img):.1f}")


def truth(mosaic, csv, tiles=None, fmin=1500):
    img, w = load(mosaic)
    t = np.loadtxt(csv, delimiter=',', skiprows=1)
    tf = t[:, 2:5].mean(axis=1)
    px = w.all_world2pix(t[:, :2], 0)
    H, W = img.shape
    top = np.nanmax(img)
    tw = []
    for f in sorted(glob.glob(tiles + '/master_tile_*.fits')) if tiles else []:
        h = fits.open(f)
        tw.append((WCS(h[0].header).celestial, h['ALPHA'].data if 'ALPHA' in h else None, h[0].data.shape[-2:]))
    rows = []
    for i, (x, y) in enumerate(px):
        if not (15 <= x < W - 15 and 15 <= y < H - 15) or tf[i] < fmin:
            continue
        d = np.hypot(px[:, 0] - x, px[:, 1] - y)
        if np.any((d < 15) & (d > 0) & (tf > 0.02 * tf[i])):
            continue  # a neighbour would bias centroid or flux
        c = centroid(img, x, y)
        if c is None or np.nanmax(img[int(y) - 2:int(y) + 3, int(x) - 2:int(x) + 3]) > 0.8 * top:
            continue
        f = aper(img, c[0], c[1], r=6, r1=10, r2=14)
        if not np.isfinite(f):
            continue
        cov = []
        for k, (tww, a, (th, twd)) in enumerate(tw):
            X, Y = tww.all_world2pix([t[i, :2]], 0)[0]
            if 8 <= X < twd - 8 and 8 <= Y < th - 8 and (a is None or a[int(Y), int(X)] > 0):
                cov.append(k)
        rows.append((c[0], c[1], c[0] - x, c[1] - y, f / tf[i], tuple(cov)))
    r = np.array([row[:5] for row in rows])
    res = np.hypot(r[:, 2], r[:, 3])
    scale = np.sqrt(abs(np.linalg.det(w.pixel_scale_matrix))) * 3600
    m, s = robust(r[:, 4])
    A = np.c_[np.ones(len(r)), r[:, 0] / W - 0.5, r[:, 1] / H - 0.5]
    plane = np.linalg.lstsq(A, r[:, 4] / m, rcond=None)[0]
    print(f"{mosaic}: {len(r)} isolated unsaturated stars (truth flux >= {fmin:g}), {W}x{H} at {scale:.3f}\"/px")
    print(f"  astrometry: mean ({r[:, 2].mean():+.3f}, {r[:, 3].mean():+.3f}) px, RMS {np.sqrt((res ** 2).mean()):.3f} px "
          f"({np.sqrt((res ** 2).mean()) * scale:.2f}\"), max {res.max():.3f} px")
    print(f"  flux/truth (r = 6 px): median {m:.4f}, robust spread {100 * s:.2f}%, p10 {np.percentile(r[:, 4], 10):.4f} "
          f"p90 {np.percentile(r[:, 4], 90):.4f}; plane across the mosaic {100 * plane[1]:+.2f}% (x) {100 * plane[2]:+.2f}% (y)")
    if tw:
        g = defaultdict(list)
        for row in rows:
            g[row[5]].append(row[4] / m)
        for cov in sorted(g, key=lambda c: (len(c), c)):
            v = np.array(g[cov])
            print(f"    tiles {cov}: {len(v)} stars, median {np.median(v):.4f} (+-{1.25 * np.std(v) / np.sqrt(len(v)):.4f})")


def alpha(mosaic, coverage):
    h = fits.open(mosaic)
    d, a = h[0].data, h['ALPHA'].data
    cv = fits.getdata(coverage)
    cv = cv if cv.ndim == 2 else cv.max(axis=0)
    nz = np.any(d != 0, axis=0)
    wm, wc = WCS(h[0].header).celestial, WCS(fits.getheader(coverage)).celestial
    same = np.allclose(wm.wcs.crpix, wc.wcs.crpix) and np.allclose(wm.wcs.crval, wc.wcs.crval) \
        and np.allclose(wm.pixel_scale_matrix, wc.pixel_scale_matrix)
    print(f"{mosaic}: ALPHA>0 {int((a > 0).sum())} px, coverage>0 {int((cv > 0).sum())} px; ALPHA>0 without coverage "
          f"{int(((a > 0) & (cv <= 0)).sum())}, coverage without ALPHA {int(((a == 0) & (cv > 0)).sum())}, data != 0 "
          f"where ALPHA = 0: {int((nz & (a == 0)).sum())}, non-finite: {int((~np.isfinite(d)).sum())}; same WCS: {same}")


if __name__ == '__main__':
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == 'modes':
        modes(args[0], args[1:])
    elif cmd == 'truth':
        tiles = args[args.index('--tiles') + 1] if '--tiles' in args else None
        truth(args[0], args[1], tiles)
    elif cmd == 'alpha':
        alpha(args[0], args[1])
    else:
        sys.exit(__doc__)
