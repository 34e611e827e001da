// Stack core kernels: one thread per pixel of a chunk of one band channel, exactly the rules of
// org.tessera.stack.PixelRules / CpuStackBackend (same order of operations, double accumulators).
// Layout (stack.BandChannel): sample (f, i) at values[f * pixels + i]; NaN/inf = no data. Per-pixel
// scratch (the samples the medians select from) at scratch[k * pixels + i], so reads coalesce.
// Compiled with -fmad=false: a fused multiply-add would round differently from the CPU.
// Java port, line for line: org.tessera.gpu.kernels.StackKernels.

// NVRTC has no <math.h> macros: NaN and infinity from their bit patterns.
#define NAN_F __int_as_float(0x7fc00000)
#define NAN_D __longlong_as_double(0x7ff8000000000000LL)
#define INF_D __longlong_as_double(0x7ff0000000000000LL)
#define REJ_NONE 0
#define REJ_KAPPA_SIGMA 1
#define REJ_WINSORIZED 2
#define REJ_LINEAR_FIT 3

#define WINSOR_SIGMA_FLOOR 1e-10
#define WINSOR_MAX_ITERS 10
#define WINSOR_TOL 5e-4
#define MAD_TO_SIGMA 1.4826
#define INSERTION 12

// The k-th smallest (0-based) of a[0..n) (element j at a[j * s]); reorders a (SmallSelect.kth).
__device__ double kth(double* a, long s, int n, int k) {
    int l = 0, r = n - 1;
    while (r - l > INSERTION) {
        int m = (l + r) >> 1;
        double x = a[l * s], y = a[m * s], z = a[r * s];
        double p = fmax(fmin(x, y), fmin(fmax(x, y), z));
        int st = l;
        for (int i = l; i <= r; i++) {
            double v = a[i * s];
            a[i * s] = a[st * s];
            a[st * s] = v;
            st += v < p ? 1 : 0;
        }
        if (k < st) {
            r = st - 1;
            continue;
        }
        int e = st;
        for (int i = st; i <= r; i++) {
            double v = a[i * s];
            a[i * s] = a[e * s];
            a[e * s] = v;
            e += v <= p ? 1 : 0;
        }
        if (k < e) return p;
        l = e;
    }
    for (int i = l + 1; i <= r; i++) {
        double v = a[i * s];
        int j = i - 1;
        while (j >= l && a[j * s] > v) {
            a[(j + 1) * s] = a[j * s];
            j--;
        }
        a[(j + 1) * s] = v;
    }
    return a[k * s];
}

// Median of a[0..n) as numpy (mean of the two middle values for even n); pair = the two middle values.
__device__ double median_pair(double* a, long s, int n, double* pair) {
    int h = n >> 1;
    double hi = kth(a, s, n, h);
    double lo = hi;
    if ((n & 1) == 0) {
        lo = a[0];
        for (int i = 1; i < h; i++) if (a[i * s] > lo) lo = a[i * s];
    }
    pair[0] = lo;
    pair[1] = hi;
    return (n & 1) == 1 ? hi : 0.5 * (lo + hi);
}

// Finite samples of pixel i, in frame order, into t (t[k * s]); returns their count.
__device__ int gather(const float* values, int frames, int pixels, int i, double* t, long s) {
    int n = 0;
    for (int f = 0; f < frames; f++) {
        float v = values[(long) f * pixels + i];
        if (!isfinite(v)) continue;
        t[n * s] = v;
        n++;
    }
    return n;
}

// Population std of the finite samples around c (PixelRules.stdAround).
__device__ double std_around(const float* values, int frames, int pixels, int i, int n, double c) {
    double s1 = 0, s2 = 0;
    for (int f = 0; f < frames; f++) {
        float v = values[(long) f * pixels + i];
        if (!isfinite(v)) continue;
        double d = v - c;
        s1 += d;
        s2 += d * d;
    }
    double m = s1 / n;
    return sqrt(fmax(0.0, s2 / n - m * m));
}

__device__ double weight_of(const double* fw, const float* pw, int hasPw, long idx, int f) {
    return hasPw ? fw[f] * pw[idx] : fw[f];
}

// Rejection: per pixel the admission rule [lo, hi] and the rejection bounds [rejLo, rejHi]
// (PixelRules.bounds). No sample: everything admitted.
extern "C" __global__ void tessera_reject(const float* values, const float* pw, int hasPw, const double* fw,
                                          int frames, int pixels, int rejection, double kl, double kh,
                                          double* scratch, double* lo, double* hi, double* rejLo, double* rejHi) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= pixels) return;
    double* t = scratch + i;
    long s = pixels;
    double L = -INF_D, H = INF_D, RL = -INF_D, RH = INF_D;
    int n = gather(values, frames, pixels, i, t, s);
    double pair[2];
    if (n > 0 && rejection == REJ_KAPPA_SIGMA) {
        double med = median_pair(t, s, n, pair);
        double sd = std_around(values, frames, pixels, i, n, med);
        L = RL = med - kl * sd;
        H = RH = med + kh * sd;
    } else if (n > 0 && rejection == REJ_LINEAR_FIT) {
        double med = median_pair(t, s, n, pair);
        double medR = 0.5 * ((pair[0] - med) + (pair[1] - med));
        double sd = std_around(values, frames, pixels, i, n, med);
        L = RL = med + medR - kl * sd;
        H = RH = med + medR + kh * sd;
    } else if (n >= 2 && rejection == REJ_WINSORIZED) {
        double m = median_pair(t, s, n, pair);
        int k = 0;
        for (int f = 0; f < frames; f++) {
            float v = values[(long) f * pixels + i];
            if (!isfinite(v)) continue;
            t[k * s] = fabs(v - m);
            k++;
        }
        double sigma = MAD_TO_SIGMA * median_pair(t, s, n, pair);
        if (!(sigma > 0)) sigma = WINSOR_SIGMA_FLOOR;
        double c = fmax(kl, kh);
        double prevLo = NAN_D, prevHi = NAN_D, clo = 0, chi = 0;
        for (int it = 0; it < WINSOR_MAX_ITERS; it++) {
            double l = m - kl * sigma, h = m + kh * sigma;
            double sw = 0, swx = 0;
            for (int f = 0; f < frames; f++) {
                long idx = (long) f * pixels + i;
                float x = values[idx];
                if (!isfinite(x)) continue;
                double w = weight_of(fw, pw, hasPw, idx, f);
                double v = x;
                v = v < l ? l : (v > h ? h : v);
                sw += w;
                swx += w * v;
            }
            double mNew = swx / sw;
            double num = 0, den = 0, cs = c * sigma;
            for (int f = 0; f < frames; f++) {
                long idx = (long) f * pixels + i;
                float x = values[idx];
                if (!isfinite(x)) continue;
                double w = weight_of(fw, pw, hasPw, idx, f);
                double v = x;
                v = v < l ? l : (v > h ? h : v);
                double r = v - mNew, ar = fabs(r);
                double hw = ar <= cs ? w : cs / ar * w;
                num += hw * r * r;
                den += hw;
            }
            double sNew = den > 0 ? sqrt(num / den) : 0;
            if (!(sNew > 0)) sNew = WINSOR_SIGMA_FLOOR;
            clo = l;
            chi = h;
            if (it > 0 && l == prevLo && h == prevHi) {
                m = mNew;
                sigma = sNew;
                break;
            }
            int converged = fabs(mNew - m) <= WINSOR_TOL * fmax(1.0, fabs(m))
                    && fabs(sNew - sigma) <= WINSOR_TOL * fmax(1.0, fabs(sigma));
            m = mNew;
            sigma = sNew;
            prevLo = l;
            prevHi = h;
            if (converged) break;
        }
        L = clo;
        H = chi;
        RL = m - kl * sigma;
        RH = m + kh * sigma;
    }
    lo[i] = L;
    hi[i] = H;
    rejLo[i] = RL;
    rejHi[i] = RH;
}

// Combine under the rule of tessera_reject (PixelRules.meanCombine / medianCombine): out, the
// finite sample count and the rejected count of each pixel.
extern "C" __global__ void tessera_combine(const float* values, const float* pw, int hasPw, const double* fw,
                                           int frames, int pixels, int clip, int median,
                                           const double* lo, const double* hi, const double* rejLo,
                                           const double* rejHi, double* scratch, float* out, int* count,
                                           int* rejected) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= pixels) return;
    double L = lo[i], H = hi[i], RL = rejLo[i], RH = rejHi[i];
    int n = 0, rej = 0;
    double result;
    if (median) {
        double* t = scratch + i;
        long s = pixels;
        int m = 0;
        for (int f = 0; f < frames; f++) {
            float x = values[(long) f * pixels + i];
            if (!isfinite(x)) continue;
            n++;
            double v = x;
            if (v < RL || v > RH) rej++;
            if (clip) t[(m++) * s] = v < L ? L : (v > H ? H : v);
            else if (v >= L && v <= H) t[(m++) * s] = v;
        }
        if (n > 0 && m == 0) {
            m = gather(values, frames, pixels, i, t, s);
            rej = 0;
        }
        double pair[2];
        result = n > 0 ? median_pair(t, s, m, pair) : 0;
    } else {
        double sWX = 0, sW = 0, aWX = 0, aW = 0;
        for (int f = 0; f < frames; f++) {
            long idx = (long) f * pixels + i;
            float x = values[idx];
            if (!isfinite(x)) continue;
            n++;
            double v = x, ww = weight_of(fw, pw, hasPw, idx, f);
            aWX += ww * v;
            aW += ww;
            if (v < RL || v > RH) rej++;
            if (clip) {
                double cv = v < L ? L : (v > H ? H : v);
                sWX += ww * cv;
                sW += ww;
            } else if (v >= L && v <= H) {
                sWX += ww * v;
                sW += ww;
            }
        }
        if (!(sW > 0)) rej = 0;
        result = sW > 0 ? sWX / sW : aWX / aW;
    }
    out[i] = n == 0 ? NAN_F : (float) result;
    count[i] = n;
    rejected[i] = n == 0 ? 0 : rej;
}

// Frame-block mode: adds one block of frames under the sample's bounds (CpuStackBackend.accumulate).
extern "C" __global__ void tessera_accumulate(const float* values, const float* pw, int hasPw, const double* fw,
                                              int frames, int pixels, int clip, const double* lo,
                                              const double* hi, const double* rejLo, const double* rejHi,
                                              double* sumWX, double* sumW, double* sumWXAll, double* sumWAll,
                                              int* count, int* rejected) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= pixels) return;
    double L = lo[i], H = hi[i], RL = rejLo[i], RH = rejHi[i];
    double aWX = sumWX[i], aW = sumW[i], aWXAll = sumWXAll[i], aWAll = sumWAll[i];
    int cnt = count[i], rej = rejected[i];
    for (int f = 0; f < frames; f++) {
        long idx = (long) f * pixels + i;
        float x = values[idx];
        if (!isfinite(x)) continue;
        double w = weight_of(fw, pw, hasPw, idx, f);
        cnt++;
        aWXAll += w * x;
        aWAll += w;
        if (x < RL || x > RH) rej++;
        if (clip) {
            double c = x < L ? L : (x > H ? H : x);
            aWX += w * c;
            aW += w;
        } else if (x >= L && x <= H) {
            aWX += w * x;
            aW += w;
        }
    }
    sumWX[i] = aWX;
    sumW[i] = aW;
    sumWXAll[i] = aWXAll;
    sumWAll[i] = aWAll;
    count[i] = cnt;
    rejected[i] = rej;
}

// Frame-block mode: the combined value once every block was added (CpuStackBackend.finish).
extern "C" __global__ void tessera_finish(const int* count, const double* sumWX, const double* sumW,
                                          const double* sumWXAll, const double* sumWAll, const int* rejected,
                                          int median, const float* sampleMedian, int pixels, float* out,
                                          int* rejectedOut) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= pixels) return;
    int n = count[i];
    if (n == 0) {
        out[i] = NAN_F;
        rejectedOut[i] = 0;
        return;
    }
    int admitted = sumW[i] > 0;
    double fallback = sumWXAll[i] / sumWAll[i];
    if (median) out[i] = isnan(sampleMedian[i]) ? (float) fallback : sampleMedian[i];
    else out[i] = (float) (admitted ? sumWX[i] / sumW[i] : fallback);
    rejectedOut[i] = admitted ? rejected[i] : 0;
}
