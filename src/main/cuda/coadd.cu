// Coadd kernel: one thread per output pixel of one contribution's rectangle, one channel per
// launch. Maps the pixel through the region's control cells (wcs.WcsMapping.Region.mapRow),
// samples the tile strip with the nearest, bilinear or Lanczos-3 kernel (reproject.KernelSampler)
// and adds w·(gain·v + background) and w to the band (reproject.CpuBandCoadder), in float, in the
// same order of operations. Contributions are launched one after another, so each output pixel
// receives them in list order, as on the CPU. Compiled with -fmad=false.
// Strip layout: plane[(r - sy0) * sw + x] (W likewise, hasW = 0: every pixel of the valid window
// has weight 1). Region nodes: WcsMapping.Flat. Java port: org.tessera.gpu.kernels.CoaddKernel.

// NVRTC has no <math.h> macros: NaN and infinity from their bit patterns.
#define NAN_F __int_as_float(0x7fc00000)
#define NAN_D __longlong_as_double(0x7ff8000000000000LL)
#define INF_D __longlong_as_double(0x7ff0000000000000LL)
#define K_NEAREST 0
#define K_BILINEAR 1
#define K_LANCZOS3 3
#define LZ_STEPS 1024

struct Strip {
    const float* plane;
    const float* w;
    int hasW, sw, sy0, vx0, vx1, vy0, vy1;
};

// Floor for |v| < 2^31 (KernelSampler.floor).
__device__ int ifloor(double v) {
    int i = (int) v;
    return i > v ? i - 1 : i;
}

__device__ int floordiv(int a, int b) {
    int q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

// W of pixel (x, y): 0 outside the valid window, 1 without a weight plane (SourceStrip.weightAt).
__device__ float weight_at(const Strip& s, int x, int y) {
    if (x < s.vx0 || x >= s.vx1 || y < s.vy0 || y >= s.vy1) return 0;
    if (!s.hasW) return 1;
    return s.w[(long) (y - s.sy0) * s.sw + x];
}

__device__ void tap(const Strip& s, int x, int y, double a, double* acc) {
    if (a == 0) return;
    float wv = weight_at(s, x, y);
    if (!(wv > 0)) return;
    acc[0] += a;
    acc[1] += a * wv;
    acc[2] += a * s.plane[(long) (y - s.sy0) * s.sw + x];
}

// Bilinear at a position that touches the window's edge or an invalid pixel (bilinearGeneral).
__device__ void bilinear_general(const Strip& s, double x, double y, float* wOut, float* vOut) {
    int nx = min(s.vx1 - 1, ifloor(x + 0.5));
    int ny = min(s.vy1 - 1, ifloor(y + 0.5));
    if (!(weight_at(s, nx, ny) > 0)) { *wOut = 0; return; }
    int xi = ifloor(x), yi = ifloor(y);
    double fx = x - xi, fy = y - yi;
    double acc[3] = {0, 0, 0};
    tap(s, xi, yi, (1 - fy) * (1 - fx), acc);
    tap(s, xi + 1, yi, (1 - fy) * fx, acc);
    tap(s, xi, yi + 1, fy * (1 - fx), acc);
    tap(s, xi + 1, yi + 1, fy * fx, acc);
    *wOut = (float) (acc[1] / acc[0]);
    *vOut = (float) (acc[2] / acc[0]);
}

__device__ bool inside(const Strip& s, double x, double y) {
    return x >= s.vx0 - 0.5 && x <= s.vx1 - 0.5 && y >= s.vy0 - 0.5 && y <= s.vy1 - 0.5;
}

__device__ void sample(const Strip& s, int kernel, const double* lz, double x, double y, float* wOut, float* vOut) {
    if (kernel == K_NEAREST) {
        if (!inside(s, x, y)) { *wOut = 0; return; }
        int nx = min(s.vx1 - 1, ifloor(x + 0.5));
        int ny = min(s.vy1 - 1, ifloor(y + 0.5));
        long o = (long) (ny - s.sy0) * s.sw + nx;
        float wv = 1;
        if (s.hasW) {
            wv = s.w[o];
            if (!(wv > 0)) { *wOut = 0; return; }
        }
        *wOut = wv;
        *vOut = s.plane[o];
        return;
    }
    if (kernel == K_BILINEAR) {
        double lox = s.vx0 - 0.5, hix = s.vx1 - 0.5, loy = s.vy0 - 0.5, hiy = s.vy1 - 0.5;
        if (!(x >= lox && x <= hix && y >= loy && y <= hiy)) { *wOut = 0; return; }
        int xi = ifloor(x), yi = ifloor(y);
        if (xi >= s.vx0 && xi + 1 < s.vx1 && yi >= s.vy0 && yi + 1 < s.vy1) {
            double fx = x - xi, fy = y - yi;
            long o0 = (long) (yi - s.sy0) * s.sw + xi, o1 = o0 + s.sw;
            double a00 = (1 - fx) * (1 - fy), a10 = fx * (1 - fy), a01 = (1 - fx) * fy, a11 = fx * fy;
            if (!s.hasW) {
                *wOut = 1;
            } else {
                float w00 = s.w[o0], w10 = s.w[o0 + 1], w01 = s.w[o1], w11 = s.w[o1 + 1];
                if (!(w00 > 0 && w10 > 0 && w01 > 0 && w11 > 0)) {
                    bilinear_general(s, x, y, wOut, vOut);
                    return;
                }
                *wOut = (float) (a00 * w00 + a10 * w10 + a01 * w01 + a11 * w11);
            }
            const float* r = s.plane;
            *vOut = (float) (a00 * r[o0] + a10 * r[o0 + 1] + a01 * r[o1] + a11 * r[o1 + 1]);
        } else {
            bilinear_general(s, x, y, wOut, vOut);
        }
        return;
    }
    // K_LANCZOS3
    if (!inside(s, x, y)) { *wOut = 0; return; }
    int xi = ifloor(x), yi = ifloor(y);
    if (!(xi - 2 >= s.vx0 && xi + 3 < s.vx1 && yi - 2 >= s.vy0 && yi + 3 < s.vy1)) {
        bilinear_general(s, x, y, wOut, vOut);
        return;
    }
    double fx = x - xi, fy = y - yi;
    int j0 = yi - 2 - s.sy0, xs = xi - 2;
    if (s.hasW) {
        bool all = true;
        for (int r = 0; r < 6 && all; r++) {
            long o = (long) (j0 + r) * s.sw + xs;
            for (int k = 0; k < 6; k++) if (!(s.w[o + k] > 0)) { all = false; break; }
        }
        if (!all) {
            bilinear_general(s, x, y, wOut, vOut);
            return;
        }
        long o0 = (long) (yi - s.sy0) * s.sw + xi, o1 = o0 + s.sw;
        *wOut = (float) ((1 - fx) * (1 - fy) * s.w[o0] + fx * (1 - fy) * s.w[o0 + 1]
                + (1 - fx) * fy * s.w[o1] + fx * fy * s.w[o1 + 1]);
    } else {
        *wOut = 1;
    }
    int qx = (int) (fx * LZ_STEPS + 0.5) * 6, qy = (int) (fy * LZ_STEPS + 0.5) * 6;
    double acc = 0;
    for (int r = 0; r < 6; r++) {
        const float* row = s.plane + (long) (j0 + r) * s.sw + xs;
        double h = lz[qx] * row[0] + lz[qx + 1] * row[1] + lz[qx + 2] * row[2]
                + lz[qx + 3] * row[3] + lz[qx + 4] * row[4] + lz[qx + 5] * row[5];
        acc += lz[qy + r] * h;
    }
    *vOut = (float) acc;
}

extern "C" __global__ void tessera_coadd(const int* nodes, const double* corners, int cx0, int cy0, int ncx,
                                         int cellSize, const float* plane, const float* wplane, int hasW, int sw,
                                         int sy0, int vx0, int vx1, int vy0, int vy1, int kernel, const double* lz,
                                         int x0, int x1, int y0, int y1, float tw, float gain, double level,
                                         double slopeX, double slopeY, float* sum, float* wsum, int addWeight,
                                         int bandY0, int bandW) {
    long t = (long) blockIdx.x * blockDim.x + threadIdx.x;
    int rw = x1 - x0;
    if (t >= (long) rw * (y1 - y0)) return;
    int x = x0 + (int) (t % rw), y = y0 + (int) (t / rw);
    // The leaf cell holding (x, y) (WcsMapping.Region.fill).
    int k = (floordiv(y, cellSize) - cy0) * ncx + (floordiv(x, cellSize) - cx0);
    while (nodes[5 * k + 3] >= 0) {
        int h = nodes[5 * k + 2] / 2;
        k = nodes[5 * k + 3] + (y < nodes[5 * k + 1] + h ? 0 : 2) + (x < nodes[5 * k] + h ? 0 : 1);
    }
    double sx, sy;
    if (nodes[5 * k + 4]) {
        sx = sy = NAN_D;
    } else {
        const double* c = corners + 8 * k;
        double inv = 1.0 / nodes[5 * k + 2], v = ((double) y - nodes[5 * k + 1]) * inv;
        double lx = c[0] + v * (c[4] - c[0]), ly = c[1] + v * (c[5] - c[1]);
        double dx = (c[2] + v * (c[6] - c[2])) - lx, dy = (c[3] + v * (c[7] - c[3])) - ly;
        double u = ((double) x - nodes[5 * k]) * inv;
        sx = lx + u * dx;
        sy = ly + u * dy;
    }
    Strip s = {plane, wplane, hasW, sw, sy0, vx0, vx1, vy0, vy1};
    float a = 0, val = 0;
    sample(s, kernel, lz, sx, sy, &a, &val);
    if (!(a > 0)) return;
    float w = tw * a;
    long base = (long) (y - bandY0) * bandW + x;
    if (addWeight) wsum[base] += w;
    float off = (float) (level + slopeY * y + slopeX * x);
    sum[base] += w * (gain * val + off);
}
