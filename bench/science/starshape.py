#!/usr/bin/env python3
"""Star shapes of images (not a test: figures for docs/benchmarks.md, "Star shapes").

What it measures: the sharpness that registration errors (a rotation error grows towards the
corners), resampling kernels and rejection cost a stack or a mosaic. In each image, isolated
unsaturated stars are found and each is fitted with an elliptical Gaussian plus a flat sky
(Levenberg-Marquardt on a 17x17 stamp, numpy only); FWHM = 2.3548 * sqrt(sigma_a * sigma_b)
(geometric mean of the axes), elongation = 1 - b/a. Medians are reported for all stars, the
centre (middle third of the data's box in x and y) and the four corners (outer quarter in x and
y), with the number of stars in each.

  starshape.py [--snr S] [--csv OUT.csv] [--pool LABEL] IMAGE...
                                                     one line per image (--pool: one line, LABEL,
                                                     for the stars of all the images together)
  starshape.py pair [--snr S] [--pixels] REF IMAGE...  the same stars in REF and each IMAGE (through
                                                     their WCS, else or with --pixels in pixels:
                                                     Siril's stack is on its reference frame's
                                                     pixels but carries another frame's WCS): median FWHM ratio
                                                     IMAGE/REF, elongation difference
  starshape.py selftest                              recovers known Gaussian/Moffat stars

Images: 2-D (mono) or 3-D (channels first: luminance = mean of the channels); pixels where an
ALPHA extension is 0, NaN or exactly 0 are no data. Raw Bayer frames are not debayered here:
measure a debayered frame (e.g. `tessera stack one.fits FRAME` or Siril's `convert -debayer`).
--snr: minimum peak S/N of a star in its stamp (default 20). The elongation of a round star reads
+0.056 at S/N 20, +0.025 at 50, +0.005 at 200 from the noise alone (selftest): compare images at
like S/N, or the same stars (pair). Needs numpy and astropy only.
"""
import sys
import warnings
import numpy as np
from astropy.io import fits

warnings.simplefilter('ignore')
K = 2.0 * np.sqrt(2.0 * np.log(2.0))
R = 8  # stamp half-size


def load(path):
    h = fits.open(path)
    d = h[0].data.astype(np.float64)
    img = d.mean(axis=0) if d.ndim == 3 else d
    if 'ALPHA' in h:
        img = np.where(h['ALPHA'].data > 0, img, np.nan)
    img = np.where(img == 0, np.nan, img)  # Tessera writes 0 where there is no data
    return img


def shifted_sum(a, kern, axis):
    out = np.zeros_like(a)
    n = len(kern) // 2
    for i, k in enumerate(kern):
        out += k * np.roll(a, i - n, axis=axis)
    return out


def background(img, cell=64):
    """Clipped cell medians, bilinear between cell centres (what detection needs, no more)."""
    h, w = img.shape
    ny, nx = max(1, h // cell), max(1, w // cell)
    ys = np.linspace(0, h, ny + 1).astype(int)
    xs = np.linspace(0, w, nx + 1).astype(int)
    grid = np.zeros((ny, nx))
    for j in range(ny):
        for i in range(nx):
            v = img[ys[j]:ys[j + 1], xs[i]:xs[i + 1]]
            v = v[np.isfinite(v)]
            if v.size < 16:
                grid[j, i] = np.nan
                continue
            for _ in range(3):
                m, s = np.median(v), 1.4826 * np.median(np.abs(v - np.median(v)))
                v = v[np.abs(v - m) < 3 * s + 1e-12] if s > 0 else v
            grid[j, i] = np.median(v)
    fill = np.nanmedian(grid)
    grid = np.where(np.isfinite(grid), grid, fill)
    cy = (ys[:-1] + ys[1:]) / 2.0
    cx = (xs[:-1] + xs[1:]) / 2.0
    rows = np.array([np.interp(np.arange(w), cx, grid[j]) for j in range(ny)])
    return np.array([np.interp(np.arange(h), cy, rows[:, i]) for i in range(w)]).T


def detect(img, nsig=5.0, iso=10):
    ok = np.isfinite(img)
    bg = background(img)
    res = np.where(ok, img - bg, 0.0)
    g = np.exp(-0.5 * (np.arange(-3, 4) / 1.0) ** 2)
    g /= g.sum()
    sm = shifted_sum(shifted_sum(res, g, 0), g, 1)
    v = sm[ok]
    noise = 1.4826 * np.median(np.abs(v - np.median(v)))
    mx = sm.copy()
    for dy in range(-2, 3):
        for dx in range(-2, 3):
            mx = np.maximum(mx, np.roll(np.roll(sm, dy, 0), dx, 1))
    pk = (sm == mx) & (sm > nsig * noise) & ok
    ys, xs = np.nonzero(pk)
    h, w = img.shape
    keep = (xs >= R + 2) & (ys >= R + 2) & (xs < w - R - 2) & (ys < h - R - 2)
    ys, xs = ys[keep], xs[keep]
    if len(xs) == 0:
        return []
    # isolated: no other detection within iso px
    pts = np.stack([xs, ys], 1).astype(float)
    out = []
    order = np.argsort(xs)
    xs_s = xs[order]
    for n, i in enumerate(order):
        lo, hi = np.searchsorted(xs_s, xs[i] - iso), np.searchsorted(xs_s, xs[i] + iso, 'right')
        near = order[lo:hi]
        d2 = ((pts[near] - pts[i]) ** 2).sum(1)
        if (d2 < iso * iso).sum() == 1:
            out.append((xs[i], ys[i]))
    return out


def model(p, dx, dy):
    bg, a, x0, y0, pp, qq, rr = p
    u, v = dx - x0, dy - y0
    e = np.exp(-0.5 * (pp * u * u + 2 * qq * u * v + rr * v * v))
    return bg + a * e, e, u, v


def fit(stamp):
    """Elliptical Gaussian + sky on a (2R+1)^2 stamp; returns (x0, y0, fwhm, elong, theta, snr) or None."""
    yy, xx = np.mgrid[-R:R + 1, -R:R + 1].astype(float)
    d = stamp.ravel()
    dx, dy = xx.ravel(), yy.ravel()
    edge = np.concatenate([stamp[0], stamp[-1], stamp[:, 0], stamp[:, -1]])
    bg0 = np.median(edge)
    sig = 1.4826 * np.median(np.abs(edge - bg0)) + 1e-9
    a0 = stamp[R, R] - bg0
    if not a0 > 0:
        return None
    s0 = 1.2
    p = np.array([bg0, a0, 0.0, 0.0, 1 / s0 ** 2, 0.0, 1 / s0 ** 2])
    lam = 1e-2
    m, e, u, v = model(p, dx, dy)
    chi = ((d - m) ** 2).sum()
    for _ in range(60):
        ae = p[1] * e
        J = np.stack([np.ones_like(e), e, ae * (p[4] * u + p[5] * v), ae * (p[5] * u + p[6] * v),
                      -0.5 * ae * u * u, -ae * u * v, -0.5 * ae * v * v], 1)
        JTJ = J.T @ J
        g = J.T @ (d - m)
        done = False
        for _ in range(10):
            A = JTJ + lam * np.diag(np.diag(JTJ) + 1e-12)
            try:
                step = np.linalg.solve(A, g)
            except np.linalg.LinAlgError:
                return None
            pn = p + step
            if pn[4] > 0 and pn[6] > 0 and pn[4] * pn[6] - pn[5] ** 2 > 0:
                mn, en, un, vn = model(pn, dx, dy)
                chin = ((d - mn) ** 2).sum()
                if chin <= chi:
                    done = abs(chi - chin) < 1e-9 * chi
                    p, m, e, u, v, chi = pn, mn, en, un, vn, chin
                    lam = max(lam / 3, 1e-7)
                    break
            lam *= 4
        else:
            break
        if done:
            break
    if not (p[1] > 0 and abs(p[2]) < 2 and abs(p[3]) < 2):
        return None
    cov = np.linalg.inv(np.array([[p[4], p[5]], [p[5], p[6]]]))
    ev, vec = np.linalg.eigh(cov)
    if ev[0] <= 0:
        return None
    sb, sa = np.sqrt(ev[0]), np.sqrt(ev[1])
    fwhm = K * np.sqrt(sa * sb)
    if not (0.7 < fwhm < 2 * R - 2):
        return None
    theta = np.degrees(np.arctan2(vec[1, 1], vec[0, 1])) % 180
    return p[2], p[3], fwhm, 1 - sb / sa, theta, p[1] / sig


def measure(img, snr=20.0):
    stars = []
    for x, y in detect(img):
        st = img[y - R:y + R + 1, x - R:x + R + 1]
        if not np.all(np.isfinite(st)):
            continue
        top = st.max()
        bg = np.median(np.concatenate([st[0], st[-1]]))
        # flat-topped (saturated) stars: several pixels within 2 % of the peak
        if ((st - bg) > 0.98 * (top - bg)).sum() >= 3:
            continue
        r = fit(st)
        if r is None or r[5] < snr:
            continue
        stars.append((x + r[0], y + r[1]) + r[2:])
    return np.array(stars).reshape(-1, 6)


def regions(img, s):
    ok = np.isfinite(img)
    ys, xs = np.nonzero(ok)
    x0, x1, y0, y1 = xs.min(), xs.max(), ys.min(), ys.max()
    fx = (s[:, 0] - x0) / max(1, x1 - x0)
    fy = (s[:, 1] - y0) / max(1, y1 - y0)
    mid = lambda f: (f > 1 / 3) & (f < 2 / 3)
    lo, hi = (lambda f: f < 0.25), (lambda f: f > 0.75)
    return {'all': np.ones(len(s), bool), 'centre': mid(fx) & mid(fy),
            'BL': lo(fx) & lo(fy), 'BR': hi(fx) & lo(fy), 'TL': lo(fx) & hi(fy), 'TR': hi(fx) & hi(fy)}


def report(paths, snr, csv=None, label=None):
    """One line for the images in paths, their stars pooled (regions taken in each image)."""
    s, reg = [], []
    for path in paths:
        img = load(path)
        si = measure(img, snr)
        if csv is not None:
            for row in si:
                csv.write('%s,%.2f,%.2f,%.3f,%.4f,%.1f,%.1f\n' % ((path,) + tuple(row)))
        if len(si):
            s.append(si)
            reg.append(regions(img, si))
    label = label or paths[0]
    if not s:
        print('%s: no star' % label)
        return
    s = np.concatenate(s)
    reg = {k: np.concatenate([r[k] for r in reg]) for k in reg[0]}
    cells = []
    for k, m in reg.items():
        if m.sum() == 0:
            cells.append('%s -' % k)
        else:
            cells.append('%s %.2f/%.3f (%d)' % (k, np.median(s[m, 2]), np.median(s[m, 3]), m.sum()))
    print('%s: FWHM px/elong (stars): %s' % (label, '; '.join(cells)))
    sys.stdout.flush()


def sky(path):
    """The image's celestial WCS, or None (then images are paired in pixels)."""
    from astropy.wcs import WCS
    try:
        w = WCS(fits.getheader(path)).celestial
        return w if w.has_celestial and w.naxis == 2 else None
    except Exception:
        return None


def pair(ref, others, snr, pixels=False, tol=1.5):
    """The same stars in REF and each other image (through both WCS, else the same pixels):
    median FWHM ratio other/REF and elongation difference, all stars, centre and corners of REF."""
    img = load(ref)
    a = measure(img, snr)
    reg = regions(img, a)
    corner = reg['BL'] | reg['BR'] | reg['TL'] | reg['TR']
    wa = None if pixels else sky(ref)
    for o in others:
        b = measure(load(o), snr)
        wb = None if pixels else sky(o)
        if wa is not None and wb is not None:
            ra, dec = wa.all_pix2world(a[:, 0], a[:, 1], 0)
            bx, by = wb.all_world2pix(ra, dec, 0)
        else:
            bx, by = a[:, 0], a[:, 1]
        idx = np.full(len(a), -1)
        for i in range(len(a)):
            d2 = (b[:, 0] - bx[i]) ** 2 + (b[:, 1] - by[i]) ** 2
            if len(d2) and d2.min() < tol * tol:
                idx[i] = d2.argmin()
        m = idx >= 0
        cells = []
        for k, sel in (('all', m), ('centre', m & reg['centre']), ('corners', m & corner)):
            if sel.sum() == 0:
                cells.append('%s -' % k)
                continue
            r = b[idx[sel], 2] / a[sel, 2]
            de = b[idx[sel], 3] - a[sel, 3]
            cells.append('%s %.3f/%+.3f (%d)' % (k, np.median(r), np.median(de), sel.sum()))
        print('%s vs %s: FWHM ratio/elong diff (stars): %s' % (o, ref, '; '.join(cells)))
        sys.stdout.flush()


def render(kind, fwhm, e, theta, snr, rng, n=300):
    """n stars on a 17x17 stamp each, pixel-integrated (5x5 sub-samples), unit sky noise."""
    out = []
    for _ in range(n):
        x0, y0 = rng.uniform(-0.5, 0.5, 2)
        sub = (np.arange(5) - 2) / 5.0
        yy, xx = np.mgrid[-R:R + 1, -R:R + 1].astype(float)
        acc = np.zeros_like(xx)
        for sy in sub:
            for sx in sub:
                u, v = xx + sx - x0, yy + sy - y0
                c, s_ = np.cos(np.radians(theta)), np.sin(np.radians(theta))
                ua, ub = c * u + s_ * v, -s_ * u + c * v
                # axes a, b with sqrt(a*b) = fwhm and b/a = 1-e
                a = fwhm / np.sqrt(1 - e)
                b = fwhm * np.sqrt(1 - e)
                if kind == 'gauss':
                    acc += np.exp(-0.5 * ((ua / (a / K)) ** 2 + (ub / (b / K)) ** 2))
                else:  # Moffat beta 3
                    beta = 3.0
                    al = 1 / (2 * np.sqrt(2 ** (1 / beta) - 1))
                    acc += (1 + (ua / (a * al)) ** 2 + (ub / (b * al)) ** 2) ** -beta
        acc /= 25
        acc *= snr / acc.max()
        out.append(100 + acc + rng.normal(0, 1, acc.shape))
    return out


def selftest():
    rng = np.random.default_rng(1)
    print('kind   FWHM  elong  S/N  -> median FWHM, elong (n)')
    for kind, fwhm, e, snr in [('gauss', 2.5, 0.0, 200), ('gauss', 2.5, 0.0, 20), ('gauss', 2.5, 0.2, 50),
                               ('gauss', 4.0, 0.1, 50), ('gauss', 2.0, 0.0, 50), ('moffat', 3.0, 0.0, 200),
                               ('moffat', 2.2, 0.0, 200)]:
        r = [fit(st) for st in render(kind, fwhm, e, 30.0, snr, rng)]
        r = np.array([x for x in r if x is not None])
        print('%-6s %4.1f  %4.2f  %4d -> %.3f, %.3f (%d)' % (kind, fwhm, e, snr, np.median(r[:, 2]),
                                                              np.median(r[:, 3]), len(r)))


def main(argv):
    if argv[:1] == ['selftest']:
        return selftest()
    if argv[:1] == ['pair']:
        snr, pixels = 20.0, False
        while argv[1] in ('--snr', '--pixels'):
            if argv[1] == '--pixels':
                pixels, argv = True, argv[1:]
            else:
                snr, argv = float(argv[2]), argv[2:]
        return pair(argv[1], argv[2:], snr, pixels)
    snr, csv, pool = 20.0, None, None
    files = []
    it = iter(argv)
    for a in it:
        if a == '--snr':
            snr = float(next(it))
        elif a == '--pool':
            pool = next(it)
        elif a == '--csv':
            csv = open(next(it), 'w')
            csv.write('file,x,y,fwhm,elong,theta,snr\n')
        else:
            files.append(a)
    if pool is not None:
        report(files, snr, csv, '%s (%d images)' % (pool, len(files)))
    else:
        for f in files:
            report([f], snr, csv)


if __name__ == '__main__':
    main(sys.argv[1:])
