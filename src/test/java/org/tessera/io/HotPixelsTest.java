package org.tessera.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Phase 1 hot-pixel correction: hot pixels go, stars stay, bands give the whole-frame result. */
class HotPixelsTest {

    static final int W = 400, H = 300;
    static final double SKY = 1000, NOISE = 10;

    /** Sky + Gaussian noise + Gaussian stars (FWHM 3.5 px, pixel-integrated by 5×5 sub-sampling). */
    static float[] sky(long seed, double[][] stars) { return sky(seed, stars, 3.5, null); }

    /**
     * The same with the given FWHM; with {@code cfa} (gains of R, G, B) a raw GRBG mosaic, each
     * photosite scaled by the gain of its colour.
     */
    static float[] sky(long seed, double[][] stars, double fwhm, double[] cfa) {
        Random r = new Random(seed);
        float[] p = new float[W * H];
        for (int i = 0; i < p.length; i++) p[i] = (float) (SKY + NOISE * r.nextGaussian());
        double sig = fwhm / 2.3548;
        for (double[] s : stars)
            for (int y = (int) s[1] - 12; y <= (int) s[1] + 12; y++)
                for (int x = (int) s[0] - 12; x <= (int) s[0] + 12; x++) {
                    if (x < 0 || y < 0 || x >= W || y >= H) continue;
                    double v = 0;
                    for (int b = 0; b < 5; b++)
                        for (int a = 0; a < 5; a++) {
                            double dx = x + (a + 0.5) / 5 - 0.5 - s[0], dy = y + (b + 0.5) / 5 - 0.5 - s[1];
                            v += Math.exp(-(dx * dx + dy * dy) / (2 * sig * sig)) / 25;
                        }
                    double gain = cfa == null ? 1 : cfa[BayerPattern.GRBG.colorAt(x, y)];
                    p[y * W + x] += (float) (gain * s[2] * v / (2 * Math.PI * sig * sig));
                }
        return p;
    }

    static double aperture(float[] p, double cx, double cy) {
        double s = 0;
        for (int y = (int) cy - 7; y <= (int) cy + 7; y++)
            for (int x = (int) cx - 7; x <= (int) cx + 7; x++)
                if ((x - cx) * (x - cx) + (y - cy) * (y - cy) <= 49) s += p[y * W + x] - SKY;
        return s;
    }

    @Test
    void plantedHotPixelsAreRemovedAndStarsKeepTheirFlux() {
        Random r = new Random(7);
        double[][] stars = new double[40][];
        for (int i = 0; i < stars.length; i++)
            stars[i] = new double[] {20 + r.nextDouble() * (W - 40), 20 + r.nextDouble() * (H - 40), 2e4 * Math.pow(10, r.nextDouble())};
        float[] p = sky(11, stars);
        double[] before = new double[stars.length];
        for (int i = 0; i < stars.length; i++) before[i] = aperture(p, stars[i][0], stars[i][1]);
        int[] hot = new int[60];
        for (int i = 0; i < hot.length; i++) {
            int x = 2 + r.nextInt(W - 4), y = 2 + r.nextInt(H - 4);
            hot[i] = y * W + x;
            p[hot[i]] += (float) (300 + r.nextDouble() * 20000); // warm to saturated
        }
        p[0] += 5000; // a corner pixel: its neighbourhood is mirrored
        float[] q = p.clone();
        int replaced = HotPixels.correctPlane(q, W, H);
        for (int i : hot) assertTrue(Math.abs(q[i] - SKY) < 5 * NOISE || nearStar(i, stars), "hot pixel " + i + " left at " + q[i]);
        assertTrue(Math.abs(q[0] - SKY) < 5 * NOISE, "corner hot pixel " + q[0]);
        for (int i = 0; i < stars.length; i++) {
            boolean planted = false;
            for (int h : hot) planted |= Math.hypot(h % W - stars[i][0], h / W - stars[i][1]) <= 11;
            if (planted) continue;
            double after = aperture(q, stars[i][0], stars[i][1]);
            assertEquals(before[i], after, 0.005 * before[i], "star " + i + " flux " + before[i]);
        }
        // Besides the planted ones, only a few noise outliers (the 3σ test on a 5×5 window) change.
        assertTrue(replaced >= hot.length && replaced < hot.length + 0.002 * W * H, "replaced " + replaced);
    }

    private static boolean nearStar(int i, double[][] stars) {
        for (double[] s : stars) if (Math.hypot(i % W - s[0], i / W - s[1]) < 4 && s[2] > 1e4) return true;
        return false;
    }

    @Test
    void bandsWithTwoRowsOfContextGiveTheWholePlaneBitForBit() {
        float[] p = sky(3, new double[][] {{50, 50, 1e5}, {200, 1, 5e4}, {300, 298, 5e4}});
        Random r = new Random(5);
        for (int k = 0; k < 200; k++) p[r.nextInt(p.length)] += 3000;
        p[W * 10 + 10] = Float.NaN;
        float[] whole = p.clone();
        int n = HotPixels.correctPlane(whole, W, H);
        assertTrue(n >= 150, "replaced " + n);
        assertTrue(Float.isNaN(whole[W * 10 + 10]), "a missing pixel stays missing");
        for (int step = 1; step <= 2; step++) {
            if (step == 2) {
                whole = p.clone();
                assertTrue(HotPixels.correctPlane(whole, W, H, 2) >= 150, "CFA plane");
            }
            int ctx = HotPixels.context(step);
            for (int band : new int[] {1, 2, 7, 64}) {
                float[] got = new float[W * H];
                for (int y0 = 0; y0 < H; y0 += band) {
                    int rows = Math.min(band, H - y0);
                    int e0 = Math.max(0, y0 - ctx), e1 = Math.min(H, y0 + rows + ctx);
                    float[] src = new float[(e1 - e0) * W];
                    System.arraycopy(p, e0 * W, src, 0, src.length);
                    float[] dst = new float[rows * W];
                    HotPixels.correct(src, W, H, e0, e1 - e0, y0, rows, dst, step);
                    System.arraycopy(dst, 0, got, y0 * W, dst.length);
                }
                assertArrayEquals(whole, got, "step " + step + ", band of " + band + " rows");
            }
        }
    }

    /**
     * Undersampled stars (FWHM 1.5-4 px), in a mono plane and in a raw CFA plane (a white star through
     * R, G, B gains 0.55, 1, 0.4), keep their flux within 0.5% while the hot pixels planted among them
     * go; the original's test alone clips the cores of the sharpest.
     */
    @Test
    void undersampledStarsKeepTheirFluxInMonoAndCfaPlanes() {
        for (double[] gains : new double[][] {null, {0.55, 1, 0.4}}) {
            int step = gains == null ? 1 : 2;
            for (double fwhm : new double[] {1.5, 2, 2.5, 3, 4}) {
                Random r = new Random(Math.round(fwhm * 10) + step);
                double[][] stars = new double[60][];
                for (int i = 0; i < stars.length; i++)
                    stars[i] = new double[] {15 + r.nextDouble() * (W - 30), 15 + r.nextDouble() * (H - 30), 2e3 * Math.pow(100, r.nextDouble())};
                float[] p = sky(20 + step, stars, fwhm, gains);
                float[] q = p.clone(), o = p.clone();
                HotPixels.correctPlane(q, W, H, step);
                float[] out = new float[p.length];
                HotPixels.correct(p, W, H, 0, H, 0, H, out, step, Double.POSITIVE_INFINITY);
                double worst = 0, worstOriginal = 0;
                for (double[] s : stars) {
                    double f = aperture(p, s[0], s[1]);
                    worst = Math.max(worst, Math.abs(aperture(q, s[0], s[1]) - f) / f);
                    worstOriginal = Math.max(worstOriginal, Math.abs(aperture(out, s[0], s[1]) - f) / f);
                }
                System.out.printf("[HOT] FWHM %.1f, step %d: worst star flux change %.4f%% (original's test alone %.2f%%)%n",
                        fwhm, step, 100 * worst, 100 * worstOriginal);
                assertTrue(worst <= 0.005, "FWHM " + fwhm + ", step " + step + ": a star changed by " + 100 * worst + "%");
                if (fwhm <= 2) assertTrue(worstOriginal > 0.02, "the original's test spares FWHM " + fwhm + ": " + worstOriginal);
                // Hot photosites among them are removed.
                int[] hot = new int[40];
                for (int i = 0; i < hot.length; i++) {
                    hot[i] = (5 + r.nextInt(H - 10)) * W + 5 + r.nextInt(W - 10);
                    boolean near = false; // single photosites: a cluster of defects is not one (the guard spares it)
                    for (int j = 0; j < i; j++) near |= Math.abs(hot[j] % W - hot[i] % W) <= 2 && Math.abs(hot[j] / W - hot[i] / W) <= 2;
                    if (near) { i--; continue; }
                    o[hot[i]] += (float) (300 + r.nextDouble() * 20000);
                }
                float[] fixed = o.clone();
                HotPixels.correctPlane(fixed, W, H, step);
                for (int i : hot) {
                    boolean onStar = false;
                    for (double[] s : stars) onStar |= Math.hypot(i % W - s[0], i / W - s[1]) < 2 * fwhm + 2;
                    if (onStar) continue;
                    assertTrue(Math.abs(fixed[i] - p[i]) < 5 * NOISE, "FWHM " + fwhm + ", step " + step + ": hot pixel at " + i % W + "," + i / W + " left at " + (fixed[i] - p[i]));
                }
            }
        }
    }

    @Test
    void theMedianIsOnlySkippedWhereItCannotMatter() {
        // Brute force: the median computed for every pixel gives the same image (the original's test).
        float[] p = sky(9, new double[][] {{100, 100, 3e4}, {101, 104, 2e4}});
        Random r = new Random(1);
        for (int k = 0; k < 300; k++) p[r.nextInt(p.length)] += (float) (r.nextDouble() * 200);
        float[] fast = new float[p.length];
        HotPixels.correct(p, W, H, 0, H, 0, H, fast, 1, Double.POSITIVE_INFINITY);
        float[] slow = new float[p.length];
        float[] win = new float[25];
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++) {
                double s = 0, q = 0;
                int m = 0;
                for (int dy = -2; dy <= 2; dy++)
                    for (int dx = -2; dx <= 2; dx++) {
                        float v = p[HotPixels.mirror(y + dy, H) * W + HotPixels.mirror(x + dx, W)];
                        win[m++] = v;
                    }
                for (float v : win) { s += v; q += (double) v * v; }
                double mean = s / 25, std = Math.max(Math.sqrt(Math.max(q / 25 - mean * mean, 0)), 1e-5);
                float[] sorted = win.clone();
                java.util.Arrays.sort(sorted);
                float v = p[y * W + x];
                slow[y * W + x] = v > sorted[12] + 3 * std ? sorted[12] : v;
            }
        int diff = 0;
        for (int i = 0; i < p.length; i++) if (fast[i] != slow[i]) diff++;
        assertEquals(0, diff, "pixels differing from the brute-force filter");
    }

    @Test
    void slidingSumsOfIntegerPlanesReplaceTheSamePixelsAsTheDirectSums() {
        // Integer planes (a decoded 16-bit frame): the sliding window sums and the prefilter without
        // square root give the very replacements of the direct sums, for whole planes and bands, with
        // NaN pixels, a NaN row and column, bright stars, planted defects and pixels at the borders.
        Random r = new Random(21);
        double[][] stars = {{100, 100, 3e4}, {101, 104, 2e4}, {2, 150, 2e4}, {397, 3, 1e4}, {250, 297, 5e4}};
        int checked = 0;
        for (int step = 1; step <= 2; step++)
            for (int variant = 0; variant < 4; variant++) {
                double spike = variant % 2 == 0 ? HotPixels.SPIKE : Double.POSITIVE_INFINITY;
                float[] p = sky(30 + step, stars, 2.0, step == 2 ? new double[] {0.5, 1, 0.8} : null);
                for (int k = 0; k < 400; k++) p[r.nextInt(p.length)] += (float) (50 + r.nextDouble() * 3000);
                if (variant >= 2) { // NaN pixels, and a NaN row and column; else no NaN (rows slide without it)
                    for (int k = 0; k < 40; k++) p[r.nextInt(p.length)] = Float.NaN;
                    for (int x = 0; x < W; x++) p[7 * W + x] = Float.NaN;
                    for (int y = 0; y < H; y++) p[y * W + 5] = Float.NaN;
                }
                for (int x = 0; x < W; x += 3) p[x] += 500;             // first row
                for (int y = 0; y < H; y += 3) p[y * W + W - 1] += 500; // last column
                for (int i = 0; i < p.length; i++) if (p[i] == p[i]) p[i] = Math.round(p[i]);
                assertTrue(HotPixels.smallIntegers(p, 0, p.length));
                float[] direct = new float[p.length], sliding = new float[p.length];
                int nd = HotPixels.correct(p, W, H, 0, H, 0, H, direct, step, spike, false);
                int ns = HotPixels.correct(p, W, H, 0, H, 0, H, sliding, step, spike, true);
                assertEquals(nd, ns, "step " + step + " spike " + spike + ": pixels replaced");
                assertArrayEquals(direct, sliding, "step " + step + " spike " + spike);
                assertTrue(nd > 300, "step " + step + ": only " + nd + " replaced");
                checked += nd;
                int ctx = HotPixels.context(step);
                for (int rows : new int[] {1, 3, 50}) // bands start the slide again at their first rows
                    for (int y0 = 0; y0 < H; y0 += rows) {
                        int n = Math.min(rows, H - y0), e0 = Math.max(0, y0 - ctx), e1 = Math.min(H, y0 + n + ctx);
                        float[] ext = java.util.Arrays.copyOfRange(p, e0 * W, e1 * W), band = new float[n * W];
                        HotPixels.correct(ext, W, H, e0, e1 - e0, y0, n, band, step, spike, true);
                        assertArrayEquals(java.util.Arrays.copyOfRange(direct, y0 * W, (y0 + n) * W), band,
                                "step " + step + " rows " + y0 + "+" + n);
                    }
            }
        assertTrue(checked > 2000, "only " + checked + " replacements compared");
    }

    @Test
    void windowsThatLoseValuesToNaNRowsSlidingInAreTestedWithTheirCount() {
        // The prefilter takes a count of 25 while every window of a row is full; NaN pixels that
        // first appear in rows the sums slide over (none in the rows they start from) must end that,
        // or defects beside them are tested against the wrong count. Each NaN has a defect two
        // same-colour pixels away. Then the CFA prefilter's sums slid along a row of odd width.
        Random r = new Random(5);
        for (int step = 1; step <= 2; step++) {
            float[] p = sky(40 + step, new double[][] {{150, 150, 2e4}}, 2.0, step == 2 ? new double[] {0.5, 1, 0.8} : null);
            int planted = 0;
            for (int k = 0; k < 300; k++) {
                int x = 8 + r.nextInt(W - 16), y = 30 + r.nextInt(H - 40);
                p[y * W + x] = Float.NaN;
                p[y * W + x + 2 * step] += 400;
                planted++;
            }
            for (int i = 0; i < p.length; i++) if (p[i] == p[i]) p[i] = Math.round(p[i]);
            float[] direct = new float[p.length], sliding = new float[p.length];
            int nd = HotPixels.correct(p, W, H, 0, H, 0, H, direct, step, HotPixels.SPIKE, false);
            int ns = HotPixels.correct(p, W, H, 0, H, 0, H, sliding, step, HotPixels.SPIKE, true);
            assertArrayEquals(direct, sliding, "step " + step);
            assertEquals(nd, ns, "step " + step + ": pixels replaced");
            assertTrue(nd > planted / 2, "step " + step + ": only " + nd + " of " + planted + " defects replaced");
        }
        // An odd width without NaN (a CFA row's last pixel has no partner in the prefilter's pairs),
        // defects in the last two columns.
        int w = W - 1;
        float[] sky = sky(44, new double[][] {{150, 150, 2e4}}, 2.0, new double[] {0.5, 1, 0.8});
        float[] p = new float[w * H];
        for (int y = 0; y < H; y++) System.arraycopy(sky, y * W, p, y * w, w);
        for (int y = 0; y < H; y += 3) p[y * w + w - 1 - (y / 3) % 2] += 400;
        for (int i = 0; i < p.length; i++) p[i] = Math.round(p[i]);
        float[] direct = new float[p.length], sliding = new float[p.length];
        int nd = HotPixels.correct(p, w, H, 0, H, 0, H, direct, 2, HotPixels.SPIKE, false);
        int ns = HotPixels.correct(p, w, H, 0, H, 0, H, sliding, 2, HotPixels.SPIKE, true);
        assertArrayEquals(direct, sliding, "odd width");
        assertEquals(nd, ns, "odd width: pixels replaced");
        int last = 0;
        for (int y = 0; y < H; y++) if (direct[y * w + w - 1] != p[y * w + w - 1]) last++;
        assertTrue(last > 20, "only " + last + " replacements in the last column");
    }

    @Test
    void theCountAgainstTheMedianDecidesAsTheMedianItself() {
        // aboveMedian(a, m, k, v) must equal v > median(a, m) + k for every odd m, with ties, zeros
        // of both signs and v on the boundary (v = M + k exactly, and one float step either side).
        Random r = new Random(5);
        float[] a = new float[25];
        int agreeTrue = 0, boundary = 0;
        for (int t = 0; t < 200_000; t++) {
            int m = 1 + 2 * r.nextInt(13);
            for (int i = 0; i < m; i++)
                a[i] = switch (r.nextInt(4)) {
                    case 0 -> r.nextInt(5);                          // ties
                    case 1 -> r.nextBoolean() ? 0f : -0f;
                    case 2 -> (float) (1000 + 30 * r.nextGaussian());
                    default -> (float) (r.nextGaussian() * 1e-3);
                };
            double k = r.nextInt(3) == 0 ? 3 * 1e-5 : 3 * r.nextDouble() * 20;
            double med = HotPixels.medianSelect(a.clone(), m);
            float v = switch (r.nextInt(4)) {
                case 0 -> (float) (med + k);
                case 1 -> Math.nextUp((float) (med + k));
                case 2 -> Math.nextDown((float) (med + k));
                default -> (float) (med + k + 40 * r.nextGaussian());
            };
            boolean expect = v > med + k;
            assertEquals(expect, HotPixels.aboveMedian(a, m, k, v), "m " + m + " k " + k + " v " + v);
            if (expect) agreeTrue++;
            if (Math.abs(v - (med + k)) <= Math.ulp((float) (med + k))) boundary++;
        }
        assertTrue(agreeTrue > 50_000 && boundary > 50_000, agreeTrue + " above, " + boundary + " on the boundary");
    }

    @Test
    void onlySmallIntegersTakeTheSlidingSums() {
        assertTrue(HotPixels.smallIntegers(new float[] {0, -3, Float.NaN, 65535, 0x1p20f, -0x1p20f}, 0, 6));
        assertFalse(HotPixels.smallIntegers(new float[] {1, 2.5f}, 0, 2));
        assertFalse(HotPixels.smallIntegers(new float[] {0x1p21f}, 0, 1));
        assertFalse(HotPixels.smallIntegers(new float[] {Float.POSITIVE_INFINITY}, 0, 1));
        assertTrue(new PixelCodec(16, 32768, 1, null).smallIntegers());   // unsigned 16-bit
        assertTrue(new PixelCodec(8, 0, 1, 0L).smallIntegers());
        assertTrue(new PixelCodec(16, 0, 16, null).smallIntegers());      // 16 × ±32768
        assertFalse(new PixelCodec(16, 0, 64, null).smallIntegers());     // 64 × 32767 > 2²⁰
        assertFalse(new PixelCodec(16, 32768, 0.5, null).smallIntegers());
        assertFalse(new PixelCodec(16, 0.5, 1, null).smallIntegers());
        assertFalse(new PixelCodec(32, 0, 1, null).smallIntegers());
        assertFalse(new PixelCodec(-32, 0, 1, null).smallIntegers());
    }

    @Test
    void aRealSeestarFrameReadsTheSameInBandsAndLosesItsHotPixels() throws Exception {
        Path f = Path.of("../shared/data/seestar_m94_raw/night1/Light_M_94_10.0s_IRCUT_20250326-212046.fit");
        Assumptions.assumeTrue(Files.isRegularFile(f), "skipped: ../shared/data/seestar_m94_raw not found");
        FitsFrame plain = FitsFrame.open(f);
        assertFalse(plain.reading().hotPixels());
        FitsFrame hp = plain.withReading(FrameReading.DEFAULT);
        assertTrue(FrameScanner.open(f, false, FrameReading.DEFAULT).frame().reading().hotPixels());
        assertFalse(FrameScanner.open(f, false).frame().reading().hotPixels(), "read as stored unless asked");
        int w = hp.width(), h = 240; // the first 240 rows: enough, and fast
        float[][] whole = hp.newBand(h), raw = plain.newBand(h);
        hp.readRows(0, h, whole);
        plain.readRows(0, h, raw);
        // The raw CFA (step 2) corrected, then demosaiced.
        float[] cfa = HotPixelsStarSafetyTest.rawPlane(f, FitsStructure.read(f).get(0).dataOffset(), w, hp.height());
        int fixedSites = HotPixels.correctPlane(cfa, w, hp.height(), 2);
        float[][] expect = hp.newBand(h);
        Debayer.demosaic(cfa, w, hp.height(), 0, hp.height(), plain.bayerPattern(), 0, h, expect);
        int changed = 0;
        for (int c = 0; c < 3; c++) {
            assertArrayEquals(expect[c], whole[c], "channel " + c);
            for (int i = 0; i < h * w; i++) if (whole[c][i] != raw[c][i]) changed++;
        }
        System.out.println("[HOT] real frame: " + fixedSites + " of " + w * hp.height() + " photosites replaced");
        assertTrue(fixedSites > 0 && fixedSites < 1e-3 * w * hp.height(), "replaced " + fixedSites);
        float[][] band = hp.newBand(37);
        for (int y0 = 0; y0 + 37 <= h; y0 += 37) {
            hp.readRows(y0, 37, band);
            for (int c = 0; c < 3; c++)
                for (int i = 0; i < 37 * w; i++) assertEquals(whole[c][y0 * w + i], band[c][i], "row " + (y0 + i / w));
        }
        System.out.println("[HOT] real frame, 240 rows: " + changed + " channel values replaced");
        assertTrue(changed > 0 && changed < 0.01 * 3 * w * h, "replaced " + changed);
    }

    /** The median-of-25 network gives the value a sort gives, bit for bit as the selection does (signed zeros included). */
    @Test
    void networkMedianOf25EqualsTheSelectionsAndTheSortedMiddle() {
        Random r = new Random(11);
        int compared = 0;
        for (int t = 0; t < 200_000; t++) {
            float[] a = new float[25];
            int mode = t % 4;
            for (int i = 0; i < 25; i++)
                a[i] = switch (mode) {
                    case 0 -> (float) r.nextGaussian();
                    case 1 -> r.nextInt(5); // ties
                    case 2 -> (float) (800 + 60 * r.nextGaussian());
                    default -> (r.nextInt(3) - 1) * (r.nextBoolean() ? 0f : 1f); // -1, 1, +0 and -0
                };
            float[] sorted = a.clone();
            java.util.Arrays.sort(sorted);
            double net = HotPixels.median(a.clone(), 25), sel = HotPixels.medianSelect(a.clone(), 25);
            assertEquals(Double.doubleToRawLongBits(sel), Double.doubleToRawLongBits(net), java.util.Arrays.toString(a));
            assertEquals(sorted[12], net, 0.0);
            compared++;
        }
        assertEquals(200_000, compared);
    }
}
