// Runs one launch of a Tessera kernel on the host: reads the launch (kernel name, grid, block,
// arguments; buffers with their contents) from argv[1], runs every (block, thread) in order, and
// writes every buffer argument back to argv[2]. Little-endian files written by HostEmulatedDevice.
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>
#include "cuda_host.h"

EmuDim blockIdx, threadIdx, blockDim;

extern "C" void tessera_health(int* out, int n);
extern "C" void tessera_reject(const float*, const float*, int, const double*, int, int, int, double, double,
                               double*, double*, double*, double*, double*);
extern "C" void tessera_combine(const float*, const float*, int, const double*, int, int, int, int, const double*,
                                const double*, const double*, const double*, double*, float*, int*, int*);
extern "C" void tessera_accumulate(const float*, const float*, int, const double*, int, int, int, const double*,
                                   const double*, const double*, const double*, double*, double*, double*, double*,
                                   int*, int*);
extern "C" void tessera_finish(const int*, const double*, const double*, const double*, const double*, const int*,
                               int, const float*, int, float*, int*);
extern "C" void tessera_coadd(const int*, const double*, int, int, int, int, const float*, const float*, int, int,
                              int, int, int, int, int, int, const double*, int, int, int, int, float, float, double,
                              double, double, float*, float*, int, int, int);

struct Arg { int tag; std::vector<char> buf; int64_t i; float f; double d; int ref = -1; };

static FILE* in;
static void rd(void* p, size_t n) { if (fread(p, 1, n, in) != n) { fprintf(stderr, "short read\n"); exit(3); } }
template <class T> static T get() { T v; rd(&v, sizeof v); return v; }

int main(int argc, char** argv) {
    in = fopen(argv[1], "rb");
    int nameLen = get<int32_t>();
    std::string name(nameLen, ' ');
    rd(&name[0], nameLen);
    int gx = get<int32_t>(), gy = get<int32_t>(), bx = get<int32_t>(), by = get<int32_t>(), nargs = get<int32_t>();
    std::vector<Arg> a(nargs);
    for (auto& x : a) {
        x.tag = get<int8_t>();
        if (x.tag == 0) { int64_t n = get<int64_t>(); x.buf.resize(n); rd(x.buf.data(), n); }
        else if (x.tag == 1) x.i = get<int32_t>();
        else if (x.tag == 2) x.i = get<int64_t>();
        else if (x.tag == 3) x.f = get<float>();
        else if (x.tag == 5) x.ref = get<int32_t>(); // the same buffer as argument ref
        else x.d = get<double>();
    }
    fclose(in);
    auto B = [&](int k) { return a[k].tag == 5 ? a[a[k].ref].buf.data() : a[k].buf.data(); };
    auto F = [&](int k) { return (float*) B(k); };
    auto D = [&](int k) { return (double*) B(k); };
    auto P = [&](int k) { return (int*) B(k); };
    auto I = [&](int k) { return (int) a[k].i; };
    std::function<void()> body;
    if (name == "tessera_health") body = [&] { tessera_health(P(0), I(1)); };
    else if (name == "tessera_reject")
        body = [&] { tessera_reject(F(0), F(1), I(2), D(3), I(4), I(5), I(6), a[7].d, a[8].d, D(9), D(10), D(11), D(12), D(13)); };
    else if (name == "tessera_combine")
        body = [&] { tessera_combine(F(0), F(1), I(2), D(3), I(4), I(5), I(6), I(7), D(8), D(9), D(10), D(11), D(12), F(13), P(14), P(15)); };
    else if (name == "tessera_accumulate")
        body = [&] { tessera_accumulate(F(0), F(1), I(2), D(3), I(4), I(5), I(6), D(7), D(8), D(9), D(10), D(11), D(12), D(13), D(14), P(15), P(16)); };
    else if (name == "tessera_finish")
        body = [&] { tessera_finish(P(0), D(1), D(2), D(3), D(4), P(5), I(6), F(7), I(8), F(9), P(10)); };
    else if (name == "tessera_coadd")
        body = [&] {
            tessera_coadd(P(0), D(1), I(2), I(3), I(4), I(5), F(6), F(7), I(8), I(9), I(10), I(11), I(12), I(13), I(14), I(15),
                          D(16), I(17), I(18), I(19), I(20), a[21].f, a[22].f, a[23].d, a[24].d, a[25].d, F(26), F(27), I(28),
                          I(29), I(30));
        };
    else { fprintf(stderr, "unknown kernel %s\n", name.c_str()); return 2; }
    blockDim = {(unsigned) bx, (unsigned) by, 1};
    for (int y = 0; y < gy; y++)
        for (int x = 0; x < gx; x++)
            for (int ty = 0; ty < by; ty++)
                for (int tx = 0; tx < bx; tx++) {
                    blockIdx = {(unsigned) x, (unsigned) y, 0};
                    threadIdx = {(unsigned) tx, (unsigned) ty, 0};
                    body();
                }
    FILE* out = fopen(argv[2], "wb");
    for (auto& x : a) if (x.tag == 0) fwrite(x.buf.data(), 1, x.buf.size(), out);
    fclose(out);
    return 0;
}
