/* A stand-in for the NVIDIA driver library with one fake device whose kernels do not load: the
 * driver-present, kernel-fails path, without a GPU. Device "Tessera fake device", compute
 * capability TESSERA_FAKE_CC (default 90), 4 GiB; contexts, streams, events, allocations (zeroed
 * host memory) and copies work; every CUBIN is refused with CUDA_ERROR_NO_BINARY_FOR_GPU (209); a
 * PTX with CUDA_ERROR_UNSUPPORTED_PTX_VERSION (222), unless TESSERA_FAKE_PTX=accept, when it loads
 * and its kernels launch and do nothing (the health kernel then gives wrong numbers), except, with
 * TESSERA_FAKE_HEALTH=ok as well, tessera_health, done here on the host (out[i] = 2i + 1): the
 * health check passes and the script's healthy path runs, while every other kernel still does
 * nothing. Every function JCudaDevice calls is here: one it does not know would end the JVM with
 * "symbol lookup error".
 * Built by JCudaDeviceOpenTest and bench/gpu/rehearse.sh with:
 *   gcc -shared -fPIC -Wl,-soname,libcuda.so.1 -o libcuda.so.1 libcuda-fake-device.c */
#include <stdlib.h>
#include <string.h>

typedef unsigned long long dptr;
static const size_t TOTAL = 4ULL << 30;
static size_t used;

static int env_is(const char *name, const char *value) {
    const char *v = getenv(name);
    return v != NULL && strcmp(v, value) == 0;
}
static int cc(void) {
    const char *v = getenv("TESSERA_FAKE_CC");
    return v != NULL ? atoi(v) : 90;
}

int cuInit(unsigned int flags) { (void) flags; return 0; }
int cuDriverGetVersion(int *v) { *v = 13000; return 0; }
int cuDeviceGetCount(int *n) { *n = 1; return 0; }
int cuDeviceGet(int *d, int ordinal) { *d = ordinal; return ordinal == 0 ? 0 : 101; }
int cuDeviceGetName(char *name, int len, int dev) {
    (void) dev;
    strncpy(name, "Tessera fake device", (size_t) len);
    name[len - 1] = 0;
    return 0;
}
int cuDeviceGetAttribute(int *v, int attrib, int dev) {
    (void) dev;
    *v = attrib == 75 ? cc() / 10 : attrib == 76 ? cc() % 10 : 1; /* 75, 76: compute capability major, minor */
    return 0;
}
int cuDeviceTotalMem_v2(size_t *bytes, int dev) { (void) dev; *bytes = TOTAL; return 0; }
int cuCtxCreate_v2(void **ctx, unsigned int flags, int dev) { (void) flags; (void) dev; *ctx = (void *) 0x1; return 0; }
int cuCtxDestroy_v2(void *ctx) { (void) ctx; return 0; }
int cuCtxSetCurrent(void *ctx) { (void) ctx; return 0; }
int cuCtxSynchronize(void) { return 0; }
int cuStreamCreate(void **s, unsigned int flags) { (void) flags; *s = (void *) 0x2; return 0; }
int cuStreamSynchronize(void *s) { (void) s; return 0; }
int cuStreamWaitEvent(void *s, void *e, unsigned int flags) { (void) s; (void) e; (void) flags; return 0; }
int cuEventCreate(void **e, unsigned int flags) { (void) flags; *e = (void *) 0x3; return 0; }
int cuEventDestroy_v2(void *e) { (void) e; return 0; }
int cuEventRecord(void *e, void *s) { (void) e; (void) s; return 0; }
int cuEventSynchronize(void *e) { (void) e; return 0; }
int cuMemGetInfo_v2(size_t *free, size_t *total) { *free = TOTAL - used; *total = TOTAL; return 0; }
int cuMemAlloc_v2(dptr *p, size_t bytes) {
    if (bytes > TOTAL - used) return 2; /* CUDA_ERROR_OUT_OF_MEMORY */
    size_t *h = calloc(1, bytes + 16); /* the size in a header; large blocks are mapped lazily, zeroed */
    if (h == NULL) return 2;
    h[0] = bytes;
    used += bytes;
    *p = (dptr) (h + 2);
    return 0;
}
int cuMemFree_v2(dptr p) {
    size_t *h = (size_t *) p - 2;
    used -= h[0];
    free(h);
    return 0;
}
int cuMemAllocHost_v2(void **p, size_t bytes) { *p = malloc(bytes); return *p == NULL ? 2 : 0; }
int cuMemFreeHost(void *p) { free(p); return 0; }
int cuMemcpyHtoD_v2(dptr dst, const void *src, size_t n) { memcpy((void *) dst, src, n); return 0; }
int cuMemcpyHtoDAsync_v2(dptr dst, const void *src, size_t n, void *s) { (void) s; memcpy((void *) dst, src, n); return 0; }
int cuMemcpyDtoH_v2(void *dst, dptr src, size_t n) { memcpy(dst, (const void *) src, n); return 0; }
int cuMemcpyDtoD_v2(dptr dst, dptr src, size_t n) { memmove((void *) dst, (const void *) src, n); return 0; }
int cuModuleLoadData(void **m, const void *image) {
    if (memcmp(image, "\177ELF", 4) == 0) return 209;  /* CUDA_ERROR_NO_BINARY_FOR_GPU */
    if (!env_is("TESSERA_FAKE_PTX", "accept")) return 222; /* CUDA_ERROR_UNSUPPORTED_PTX_VERSION */
    *m = (void *) 0x4;
    return 0;
}
#define HEALTH ((void *) 0x6)
int cuModuleGetFunction(void **f, void *m, const char *name) {
    (void) m;
    *f = strcmp(name, "tessera_health") == 0 ? HEALTH : (void *) 0x5;
    return 0;
}
int cuLaunchKernel(void *f, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
                   unsigned shared, void *s, void **params, void **extra) {
    (void) gx; (void) gy; (void) gz; (void) bx; (void) by; (void) bz; (void) shared; (void) s; (void) extra;
    if (f == HEALTH && env_is("TESSERA_FAKE_HEALTH", "ok")) { /* tessera_health(int *out, int n) */
        int *out = (int *) *(dptr *) params[0];
        int n = *(int *) params[1];
        for (int i = 0; i < n; i++) out[i] = 2 * i + 1;
    }
    return 0;
}
