#!/usr/bin/env python3
"""Independent checks of Tessera's outputs on real frames (docs/benchmarks.md, "Real data audit").

Not a test: figures for the audit. Needs numpy, astropy and astrometry.net's solve-field (with
index files that cover the field), and starshape.py beside it (star detection and fits).

  realaudit.py wcs SCALE IMAGE...
      plate-solves each image's luminance (mean of its channels, no-data pixels set to the sky)
      with solve-field, blind except for the scale (SCALE "/px +-5 %), and compares the solved WCS
      (TAN + SIP) with the header's: the sky position of the centre and the four corners of the
      data's box (arcsec), and the header's error at the catalogue stars solve-field matched
      (its .corr file: index star RA/Dec through the header WCS against the star's pixel).
  realaudit.py peer SCALE TESSERA PEER
      the same stars in two colour images (e.g. Tessera's mosaic and Siril's stack): PEER is
      plate-solved (Siril's stack has no WCS), stars of TESSERA (starshape.py, S/N >= 20) are
      found in PEER through the two WCS; prints the FWHM of the same stars, the spread of their
      flux ratio (luminance, 5 px aperture, sky annulus 9-13 px), each channel's star colour (R/G,
      B/G of the same stars) in both and the correlation of log(B/R) between them, and the
      channels' sky medians.
  realaudit.py rawcolour IMAGE RAW [PATTERN]
      star colours from a raw Bayer frame that has a WCS (e.g. seestar_m94_subset/, the same
      pixels as the raw frames), no demosaic: per star the background-subtracted sums of the
      R, G and B sites (PATTERN, default the header's BAYERPAT, read with the first stored row as
      row 0), scaled by the sites' share; against IMAGE's channels 0, 1, 2 for the same stars.
  realaudit.py parts A B IMAGE...
      the brightness scale of mosaics across the parts of the sky two sessions cover: A and B are
      images of one session each with a WCS (e.g. a Classic run's master tiles: 10 s and 20 s
      frames of NGC 7023); the stars of each IMAGE (starshape.py, S/N >= 20) that lie in A only,
      in B only or in both (through the WCS, the 5 px aperture and 9-13 px annulus inside the
      data of every image) are measured in IMAGE, A and B (luminance); per part the median and
      robust spread of IMAGE/A (A-only, both) and IMAGE/B (B-only), the step (B-only)/(A-only),
      and IMAGE's EXPTIME, EXPTOTAL and NEXP_SUM. Two mosaics of the same frames (Classic, SDS)
      on one scale give the same medians part by part.
  realaudit.py tiles MOSAIC TILE0 TILE1...
      photometric steps between master tiles, and what the mosaic keeps of them: the stars of
      each TILEk (S/N >= 20) found in TILE0 through the two WCS (aperture 5 px, annulus 9-13 px,
      luminance = sum of the channels, both apertures whole and finite), their flux ratio
      TILEk/TILE0 (median, robust spread, error of the median 1.25 spread/sqrt(n)); then the
      stars of MOSAIC: where TILE0 alone covers a star, MOSAIC/TILE0; where it does not, MOSAIC over the
      covering tiles' flux put on TILE0's scale by their ratios; the second over the first is the
      step the mosaic keeps between the parts only other tiles cover and TILE0's.
"""
import os
import subprocess
import sys
import tempfile
import warnings

import numpy as np
from astropy.io import fits
from astropy.wcs import WCS

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import starshape as ss  # noqa: E402

warnings.simplefilter('ignore')
# SIP order of the solution: 1 (plain TAN, as Tessera writes) unless TWEAK says otherwise; an
# order-2 SIP fitted to the ~10 Tycho-2 stars of a Seestar field runs off at the corners (22")
TWEAK = int(os.environ.get('TWEAK', '1'))


def cube(path):
    """(channels, h, w) float64 with NaN where there is no data (ALPHA 0 or exactly 0)."""
    h = fits.open(path)
    d = h[0].data.astype(np.float64)
    if d.ndim == 2:
        d = d[None]
    ok = np.ones(d.shape[1:], bool)
    if 'ALPHA' in h:
        ok &= h['ALPHA'].data > 0
    ok &= np.all(d != 0, axis=0)
    return np.where(ok[None], d, np.nan), h[0].header


def solve(lum, scale, work, name):
    """solve-field on a 2-D image; returns (WCS, corr table or None) or (None, None)."""
    fill = np.where(np.isfinite(lum), lum, np.nanmedian(lum)).astype(np.float32)
    src = os.path.join(work, name + '.fits')
    fits.PrimaryHDU(fill).writeto(src, overwrite=True)
    cmd = ['solve-field', '--scale-units', 'arcsecperpix', '--scale-low', '%.4f' % (scale * 0.95),
           '--scale-high', '%.4f' % (scale * 1.05), '--no-plots', '--overwrite', '--dir', work,
           '--downsample', '2', '--tweak-order', str(TWEAK), '--cpulimit', '120', '--new-fits', 'none', '--rdls', 'none',
           '--match', 'none', '--index-xyls', 'none', src]
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wcsf = os.path.join(work, name + '.wcs')
    if not os.path.exists(wcsf):
        return None, None
    corr = os.path.join(work, name + '.corr')
    return WCS(fits.getheader(wcsf)), (fits.getdata(corr, 1) if os.path.exists(corr) else None)


def box(lum):
    ys, xs = np.nonzero(np.isfinite(lum))
    x0, x1, y0, y1 = xs.min(), xs.max(), ys.min(), ys.max()
    return [('centre', (x0 + x1) / 2, (y0 + y1) / 2), ('BL', x0, y0), ('BR', x1, y0),
            ('TL', x0, y1), ('TR', x1, y1)]


def sep(ra1, de1, ra2, de2):
    """Angular separation in arcsec (small angles)."""
    d = np.radians
    c = np.sin(d(de1)) * np.sin(d(de2)) + np.cos(d(de1)) * np.cos(d(de2)) * np.cos(d(ra1 - ra2))
    return np.degrees(np.arccos(np.clip(c, -1, 1))) * 3600.0


def wcs_check(scale, paths):
    for path in paths:
        d, hdr = cube(path)
        lum = np.nanmean(d, axis=0)
        head = WCS(hdr).celestial
        with tempfile.TemporaryDirectory() as work:
            solved, corr = solve(lum, scale, work, 'img')
        if solved is None:
            print('%s: solve-field found no solution' % path)
            continue
        cells = []
        for name, x, y in box(lum):
            r1, d1 = head.all_pix2world(x, y, 0)
            r2, d2 = solved.all_pix2world(x, y, 0)
            cells.append('%s %.2f' % (name, sep(r1, d1, r2, d2)))
        line = '%s: header vs solved WCS (arcsec): %s' % (path, ', '.join(cells))
        if corr is not None and len(corr):
            hx, hy = head.all_world2pix(corr['index_ra'], corr['index_dec'], 1)
            r = np.hypot(hx - corr['field_x'], hy - corr['field_y']) * scale
            sx, sy = solved.all_world2pix(corr['index_ra'], corr['index_dec'], 1)
            rs = np.hypot(sx - corr['field_x'], sy - corr['field_y']) * scale
            line += ('; %d catalogue stars: header WCS error median %.2f", RMS %.2f", max %.2f"'
                     ' (solve-field\'s own fit: median %.2f")'
                     % (len(r), np.median(r), np.sqrt(np.mean(r ** 2)), r.max(), np.median(rs)))
            if os.environ.get('WORST'):
                for k in np.argsort(r)[::-1][:5]:
                    print('   star at (%.1f, %.1f): header %.2f", solved %.2f"'
                          % (corr['field_x'][k], corr['field_y'][k], r[k], rs[k]))
        print(line)
        sys.stdout.flush()


def aper_all(d, x, y, r=5, r1=9, r2=13):
    """Aperture sums minus the annulus median, every channel; NaN near an edge or no data."""
    xi, yi = int(round(x)), int(round(y))
    if xi - r2 < 0 or yi - r2 < 0 or xi + r2 >= d.shape[2] or yi + r2 >= d.shape[1]:
        return np.full(d.shape[0], np.nan)
    sub = d[:, yi - r2:yi + r2 + 1, xi - r2:xi + r2 + 1]
    if not np.all(np.isfinite(sub)):
        return np.full(d.shape[0], np.nan)
    yy, xx = np.mgrid[yi - r2:yi + r2 + 1, xi - r2:xi + r2 + 1]
    dist = np.hypot(xx - x, yy - y)
    ann = (dist >= r1) & (dist <= r2)
    ap = dist <= r
    return np.array([np.sum(c[ap] - np.median(c[ann])) for c in sub])


def robust(v):
    v = v[np.isfinite(v)]
    m = np.median(v)
    return m, 1.4826 * np.median(np.abs(v - m))


def peer(scale, tess, other):
    dt, ht = cube(tess)
    do, _ = cube(other)
    lt, lo = np.nanmean(dt, axis=0), np.nanmean(do, axis=0)
    wt = WCS(ht).celestial
    with tempfile.TemporaryDirectory() as work:
        wo, _ = solve(lo, scale, work, 'peer')
    if wo is None:
        print('%s: solve-field found no solution' % other)
        return
    a = ss.measure(lt, 20.0)
    b = ss.measure(lo, 20.0)
    ra, dec = wt.all_pix2world(a[:, 0], a[:, 1], 0)
    bx, by = wo.all_world2pix(ra, dec, 0)
    pairs = []
    for i in range(len(a)):
        d2 = (b[:, 0] - bx[i]) ** 2 + (b[:, 1] - by[i]) ** 2
        if len(d2) and d2.min() < 1.5 ** 2:
            pairs.append((i, int(d2.argmin())))
    if not pairs:
        print('no star in common')
        return
    ia, ib = np.array(pairs).T
    off = np.hypot(b[ib, 0] - bx[ia], b[ib, 1] - by[ia])
    print('stars: %d in Tessera, %d in the peer, %d matched (position offset median %.2f px)'
          % (len(a), len(b), len(ia), np.median(off)))
    fr = b[ib, 2] / a[ia, 2]
    print('FWHM (same stars): Tessera %.2f px, peer %.2f px, peer/Tessera median %.3f'
          % (np.median(a[ia, 2]), np.median(b[ib, 2]), np.median(fr)))
    ft = np.array([aper_all(dt, a[i, 0], a[i, 1]) for i in ia])
    fo = np.array([aper_all(do, b[j, 0], b[j, 1]) for j in ib])
    good = np.all(np.isfinite(ft), 1) & np.all(np.isfinite(fo), 1) & np.all(ft > 0, 1) & np.all(fo > 0, 1)
    ft, fo = ft[good], fo[good]
    ratio = ft.sum(1) / fo.sum(1)
    m, s = robust(ratio)
    # does the ratio change with brightness (a non-linear scale) or across the image (a gradient)?
    lf = np.log10(fo.sum(1))
    slope = np.polyfit(lf, ratio / m, 1)[0] if len(lf) > 3 else np.nan
    print('flux Tessera/peer (luminance, %d stars): median %.4f, robust spread %.2f %%, '
          'change per decade of flux %+.2f %%' % (len(ratio), m, 100 * s / m, 100 * slope))
    if dt.shape[0] == 3 and do.shape[0] == 3:
        for nm, (p, q) in (('R/G', (0, 1)), ('B/G', (2, 1)), ('B/R', (2, 0))):
            ct, co = ft[:, p] / ft[:, q], fo[:, p] / fo[:, q]
            print('star colour %s: Tessera median %.3f, peer %.3f, per star Tessera/peer %.3f +- %.3f'
                  % (nm, np.median(ct), np.median(co), *robust(ct / co)))
        x, y = np.log(ft[:, 2] / ft[:, 0]), np.log(fo[:, 2] / fo[:, 0])
        print('log(B/R) of the same stars, Tessera against peer: Pearson r %.3f' % np.corrcoef(x, y)[0, 1])
        print('sky median per channel: Tessera %s, peer %s' % (
            ', '.join('%.4g' % np.nanmedian(c) for c in dt), ', '.join('%.4g' % np.nanmedian(c) for c in do)))


def rawcolour(image, raw, pattern=None):
    d, h = cube(image)
    w = WCS(h).celestial
    rh = fits.open(raw)[0]
    r = rh.data.astype(np.float64)
    rw = WCS(rh.header).celestial
    pattern = (pattern or rh.header['BAYERPAT']).strip().upper()
    site = np.empty((2, 2), int)  # channel of each site, first stored row = row 0
    for k, ch in enumerate(pattern):
        site[k // 2, k % 2] = 'RGB'.index(ch)
    yy, xx = np.mgrid[0:r.shape[0], 0:r.shape[1]]
    chan = site[yy % 2, xx % 2]
    share = np.array([(chan == c).mean() for c in range(3)])
    a = ss.measure(np.nanmean(d, axis=0), 20.0)
    ra, dec = w.all_pix2world(a[:, 0], a[:, 1], 0)
    rx, ry = rw.all_world2pix(ra, dec, 0)
    out = []
    for i in range(len(a)):
        x, y = rx[i], ry[i]
        xi, yi = int(round(x)), int(round(y))
        if xi < 16 or yi < 16 or xi >= r.shape[1] - 16 or yi >= r.shape[0] - 16:
            continue
        sub = r[yi - 14:yi + 15, xi - 14:xi + 15]
        cs = chan[yi - 14:yi + 15, xi - 14:xi + 15]
        dist = np.hypot(xx[yi - 14:yi + 15, xi - 14:xi + 15] - x, yy[yi - 14:yi + 15, xi - 14:xi + 15] - y)
        f = []
        for c in range(3):
            ann = (cs == c) & (dist >= 9) & (dist <= 13)
            ap = (cs == c) & (dist <= 5)
            f.append(np.sum(sub[ap] - np.median(sub[ann])) / share[c])
        if sub.max() > 60000:  # saturated in the raw frame
            continue
        fm = aper_all(d, a[i, 0], a[i, 1])
        if np.all(np.isfinite(fm)) and min(f) > 0 and np.all(fm > 0):
            out.append((f, fm))
    if not out:
        print('no star in common')
        return
    fr = np.array([o[0] for o in out])
    fm = np.array([o[1] for o in out])
    print('%d stars; raw %s sites of %s, first stored row = row 0' % (len(out), pattern, raw))
    for nm, (p, q) in (('R/G', (0, 1)), ('B/G', (2, 1)), ('B/R', (2, 0))):
        cr, cm = fr[:, p] / fr[:, q], fm[:, p] / fm[:, q]
        print('star colour %s: raw sites median %.3f, image channels median %.3f, per star image/raw %.3f +- %.3f'
              % (nm, np.median(cr), np.median(cm), *robust(cm / cr)))
    x, y = np.log(fr[:, 2] / fr[:, 0]), np.log(fm[:, 2] / fm[:, 0])
    print('log(B/R) per star, image against raw sites: Pearson r %.3f' % np.corrcoef(x, y)[0, 1])


def parts(a_path, b_path, images):
    da, ha = cube(a_path)
    db, hb = cube(b_path)
    wa, wb = WCS(ha).celestial, WCS(hb).celestial

    def lum_flux(d, w, ra, dec):
        x, y = w.all_world2pix([ra], [dec], 0)
        f = aper_all(d, float(x[0]), float(y[0]))
        return f.sum() if np.all(np.isfinite(f)) else np.nan

    for path in images:
        d, h = cube(path)
        w = WCS(h).celestial
        stars = ss.measure(np.nanmean(d, axis=0), 20.0)
        ra, dec = w.all_pix2world(stars[:, 0], stars[:, 1], 0)
        rows = {'A only': [], 'B only': [], 'both': []}
        for k in range(len(stars)):
            fi = aper_all(d, stars[k, 0], stars[k, 1])
            if not np.all(np.isfinite(fi)) or fi.sum() <= 0:
                continue
            fa, fb = lum_flux(da, wa, ra[k], dec[k]), lum_flux(db, wb, ra[k], dec[k])
            ina, inb = np.isfinite(fa) and fa > 0, np.isfinite(fb) and fb > 0
            if ina and inb:
                rows['both'].append(fi.sum() / fa)
            elif ina:
                rows['A only'].append(fi.sum() / fa)
            elif inb:
                rows['B only'].append(fi.sum() / fb)
        cards = ', '.join('%s %s' % (k, h.get(k, '-')) for k in ('EXPTIME', 'EXPTOTAL', 'NEXP_SUM'))
        print('%s: %s (EXPTIME comment: %s)' % (path, cards, h.comments['EXPTIME'] if 'EXPTIME' in h else '-'))
        med = {}
        for part, ref in (('A only', 'A'), ('B only', 'B'), ('both', 'A')):
            v = np.array(rows[part])
            if len(v) < 3:
                print('  %-6s: %d star(s)' % (part, len(v)))
                continue
            m, sd = robust(v)
            med[part] = m
            print('  %-6s: %3d stars, IMAGE/%s median %.4f, robust spread %.1f %%' % (part, len(v), ref, m, 100 * sd / m))
        if 'A only' in med and 'B only' in med:
            print('  step (B only)/(A only): %.4f' % (med['B only'] / med['A only']))
        sys.stdout.flush()


def tiles(mosaic, paths):
    cubes = [cube(p) for p in paths]
    wcs = [WCS(h).celestial for _, h in cubes]

    def flux(d, x, y):
        f = aper_all(d, x, y)
        return f.sum() if np.all(np.isfinite(f)) else np.nan

    ratio = [1.0]
    for k in range(1, len(paths)):
        dk = cubes[k][0]
        s = ss.measure(np.nanmean(dk, axis=0), 20.0)
        ra, dec = wcs[k].all_pix2world(s[:, 0], s[:, 1], 0)
        x0, y0 = wcs[0].all_world2pix(ra, dec, 0)
        fk = np.array([flux(dk, x, y) for x, y in s[:, :2]])
        f0 = np.array([flux(cubes[0][0], x, y) for x, y in zip(x0, y0)])
        ok = np.isfinite(fk) & np.isfinite(f0) & (fk > 0) & (f0 > 0)
        r = fk[ok] / f0[ok]
        m, sp = robust(r)
        ratio.append(m)
        print('tile %d / tile 0: %d stars in the overlap, flux ratio median %.4f, robust spread %.1f %%, '
              'error of the median %.1f %%' % (k, len(r), m, 100 * sp / m, 125.33 * sp / m / np.sqrt(len(r))))
    dm, hm = cube(mosaic)
    wm = WCS(hm).celestial
    s = ss.measure(np.nanmean(dm, axis=0), 20.0)
    ra, dec = wm.all_pix2world(s[:, 0], s[:, 1], 0)
    on0, off0 = [], []
    for i in range(len(s)):
        fm = flux(dm, s[i, 0], s[i, 1])
        if not fm > 0:
            continue
        ft = []
        for k in range(len(paths)):
            x, y = wcs[k].all_world2pix(ra[i:i + 1], dec[i:i + 1], 0)
            ft.append(flux(cubes[k][0], x[0], y[0]))
        if ft[0] > 0:
            # tile 0 alone: the mosaic there is tile 0 times its gain (an overlap mixes in others)
            if not any(f > 0 for f in ft[1:]):
                on0.append(fm / ft[0])
        else:
            scaled = [ft[k] / ratio[k] for k in range(1, len(paths)) if ft[k] > 0]
            if scaled:
                off0.append(fm / np.mean(scaled))
    on0, off0 = np.array(on0), np.array(off0)
    m0, s0 = robust(on0)
    print('mosaic / tile 0 where tile 0 alone covers the star: %d stars, median %.4f, robust spread %.1f %%'
          % (len(on0), m0, 100 * s0 / m0))
    if len(off0):
        m1, s1 = robust(off0)
        print('mosaic / (other tiles on tile 0\'s scale) where tile 0 does not: %d stars, median %.4f, '
              'robust spread %.1f %%; step %.3f' % (len(off0), m1, 100 * s1 / m1, m1 / m0))


def main(argv):
    if len(argv) >= 3 and argv[0] == 'wcs':
        wcs_check(float(argv[1]), argv[2:])
    elif len(argv) == 4 and argv[0] == 'peer':
        peer(float(argv[1]), argv[2], argv[3])
    elif len(argv) >= 4 and argv[0] == 'parts':
        parts(argv[1], argv[2], argv[3:])
    elif len(argv) >= 4 and argv[0] == 'tiles':
        tiles(argv[1], argv[2:])
    elif len(argv) in (3, 4) and argv[0] == 'rawcolour':
        rawcolour(*argv[1:])
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
