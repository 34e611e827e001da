/* A stand-in for the NVIDIA driver library whose device is the host: the kernels that run are the
 * CUDA sources themselves (src/main/cuda/{health,stack,coadd}.cu, #included below through a small shim of the CUDA
 * built-ins), compiled by g++ with -ffp-contract=off (NVRTC compiles them with -fmad=false), and
 * cuLaunchKernel runs the named kernel over the whole grid x block, its parameters unpacked by the
 * kernel's own C signature. So JCudaDevice, GpuStackBackend and GpuBandCoadder drive the very code
 * a GPU runs, with JCuda's real natives, without a GPU (JCudaHostDriverTest, rehearse.sh hostrun).
 *
 * Adversarial streams, so that a host-side race gives wrong numbers instead of passing by luck:
 * every asynchronous operation (cuMemcpyHtoDAsync, a launch, cuEventRecord, cuStreamWaitEvent's
 * wait, cuMemcpyDtoD) is queued on its stream and runs as late as the CUDA rules allow: only when
 * the host waits for it (cuStreamSynchronize, cuEventSynchronize, cuCtxSynchronize, a synchronous
 * copy on the legacy stream for the work it is ordered after), when a stream that waits for it (an
 * event wait, the legacy stream's implicit waits) is run, or at a device-wide sync the real driver
 * performs (cuMemFree, cuMemFreeHost, cuCtxDestroy: treated as device syncs, as the driver does in
 * practice). The rules relied on (CUDA Driver API, "Stream synchronization behavior",
 * docs.nvidia.com/cuda/cuda-driver-api/stream-sync-behavior.html; "API synchronization behavior",
 * .../api-sync-behavior.html; cuEventRecord, cuStreamWaitEvent, cuLaunchKernel):
 *  - "The legacy default stream ... synchronizes with all other streams in the same CUcontext except
 *    for non-blocking streams": an action on it first waits on all blocking streams, and blocking
 *    streams wait on it. CU_STREAM_NON_BLOCKING streams do neither (so a synchronous copy does not
 *    flush them here: a download of a buffer a non-blocking stream still writes reads stale data).
 *  - Synchronous cuMemcpyHtoD/DtoH go through the legacy stream; DtoH "returns only once the copy
 *    has completed"; DtoD "no host-side synchronization is performed" (queued).
 *  - An async copy from pinned memory reads its source when the DMA runs, not when queued (from
 *    pageable memory the driver stages it at once: copied here at the call).
 *  - cuEventRecord captures the stream's work queued so far; cuStreamWaitEvent and
 *    cuEventSynchronize use the most recent record at the time of the call; an event never
 *    recorded is complete.
 *  - cuLaunchKernel copies the parameter values at the call (kernelParams[i] "points to the region
 *    of memory from which the actual kernel parameter will be copied"); the kernel reads device
 *    memory when it runs.
 * Streams with pending work are flushed newest first at a device-wide sync (any order is legal).
 * Running late shows a read before its wait (stale or poisoned data); it cannot show a write that
 * comes too early (a buffer overwritten before the kernel reading it ran): TESSERA_HOST_FAST="3"
 * runs the 3rd stream created (JCudaDevice: its blocking stream, then queue 0, queue 1) as early as
 * allowed instead, every op at once unless it waits for a late stream's work ("all": every stream).
 *
 * Also strict where a GPU would fault or read garbage: copies and pointer parameters must lie in a
 * live allocation (else CUDA_ERROR_INVALID_VALUE, said on stderr), new device and pinned memory is
 * filled with 0xFF bytes (NaN, -1) up to TESSERA_HOST_POISON_MB (default 16) MiB an allocation,
 * kernels must be in the module image loaded. One device, "Tessera host device", compute
 * capability TESSERA_FAKE_CC (default 90), TESSERA_HOST_VRAM_MB (default 4096) MiB of accounted
 * memory (allocated lazily: a test taking all of it costs no RAM beyond what it writes).
 * TESSERA_HOST_EAGER=1 runs every operation at once (the non-adversarial order, to compare);
 * TESSERA_HOST_THREADS (default: the cores) threads run a launch's blocks; a launch running over
 * TESSERA_HOST_KERNEL_TIMEOUT_S (120) s ends the process (status 3, said on stderr). A kernel that
 * reads out of its buffers is not caught: it reads host memory or ends the JVM with SIGSEGV in
 * libcuda.so.1 (hs_err names the kernel), where a GPU reports CUDA_ERROR_ILLEGAL_ADDRESS. At each
 * cuCtxDestroy one line "[host-driver] stats ..." on stderr says how much work was deferred.
 * Built by JCudaHostDriverTest and bench/gpu/rehearse.sh with:
 *   g++ -std=c++17 -O2 -ffp-contract=off -shared -fPIC -pthread -Wl,-soname,libcuda.so.1
 *       -I src/main/cuda -o libcuda.so.1 libcuda-host-device.cpp */
#include <algorithm>
#include <atomic>
#include <chrono>
#include <unistd.h>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

// ---- The CUDA built-ins the kernels use: HostEmulatedDevice's shim, indices per host thread ------
#define CUDA_HOST_THREADS
#include "hostemu/cuda_host.h"
typedef EmuDim HostDim3;

// Each module in a namespace of its own, as each is a module of its own on the GPU.
namespace cu_health {
#include "health.cu"
}
namespace cu_stack {
#include "stack.cu"
}
namespace cu_coadd {
#include "coadd.cu"
}

// ---- Driver state -----------------------------------------------------------------------------
typedef unsigned long long dptr;
enum { OK = 0, INVALID_VALUE = 1, OUT_OF_MEMORY = 2, INVALID_IMAGE = 200, INVALID_HANDLE = 400, NOT_FOUND = 500 };

static std::recursive_mutex lock_;
#define LOCKED std::lock_guard<std::recursive_mutex> guard_(lock_)

static size_t env_size(const char* name, size_t dflt) {
    const char* v = getenv(name);
    return v != NULL && *v ? (size_t) strtoull(v, NULL, 10) : dflt;
}
static bool env_on(const char* name) {
    const char* v = getenv(name);
    return v != NULL && strcmp(v, "1") == 0;
}
static int cc() { return (int) env_size("TESSERA_FAKE_CC", 90); }
static size_t total() { return env_size("TESSERA_HOST_VRAM_MB", 4096) << 20; }
static size_t used;

struct Block { size_t bytes; bool pinned; };
static std::map<uintptr_t, Block> blocks; // start → size: device allocations and pinned host memory

static int fail(int code, const char* what) {
    fprintf(stderr, "[host-driver] %s\n", what);
    return code;
}

/** The live allocation holding [p, p + n), of the kind asked, or null. */
static const Block* within(uintptr_t p, size_t n, bool pinned) {
    auto it = blocks.upper_bound(p);
    if (it == blocks.begin()) return NULL;
    --it;
    if (it->second.pinned != pinned || p + n > it->first + it->second.bytes || p < it->first) return NULL;
    return &it->second;
}

static void poison(void* p, size_t bytes) {
    if (bytes <= env_size("TESSERA_HOST_POISON_MB", 16) << 20) memset(p, 0xFF, bytes);
}

struct Stats { long launches, copies, deferredRuns, maxPending, crossWaits, flushes; } stats;

struct Stream;
struct Op {
    uint64_t seq;
    std::function<void()> run; // empty: a marker (event record) or a wait
    Stream* wait;              // the stream waited for, up to waitSeq
    uint64_t waitSeq;
};
struct Stream {
    bool blocking, legacy;
    bool fast = false; // runs as early as allowed (TESSERA_HOST_FAST) instead of as late
    std::deque<Op> q;
    uint64_t last = 0; // seq of the last op queued
    bool busy = false;
};
static uint64_t seq_;
static Stream legacy_{true, true};
static std::vector<Stream*> streams_{&legacy_}; // creation order
static long pending_;

static Stream* stream_of(void* h) {
    // 0 and CU_STREAM_LEGACY (0x1): the legacy default stream; CU_STREAM_PER_THREAD (0x2) is not
    // used by Tessera and taken as the legacy stream too.
    if (h == NULL || h == (void*) 0x1 || h == (void*) 0x2) return &legacy_;
    return (Stream*) h;
}

static void flush(Stream* s, uint64_t upto);

static void run_op(Stream* s, Op& op) {
    if (op.wait != NULL) {
        if (op.wait != s) stats.crossWaits++;
        flush(op.wait, op.waitSeq);
    } else if (op.run) {
        op.run();
    }
}

/** Runs s's queued operations up to seq upto (and, first, what each of them waits for). */
static void flush(Stream* s, uint64_t upto) {
    while (!s->q.empty() && s->q.front().seq <= upto) {
        Op op = std::move(s->q.front());
        s->q.pop_front();
        pending_--;
        if (op.run && op.seq < seq_) stats.deferredRuns++; // later work was queued before it ran
        run_op(s, op);
    }
}

static void flush_all() {
    stats.flushes++;
    for (size_t i = streams_.size(); i-- > 0;) flush(streams_[i], UINT64_MAX);
}

/** Whether t's work up to seq has run. */
static bool done(Stream* t, uint64_t seq) { return t->q.empty() || t->q.front().seq > seq; }

/**
 * A fast stream runs what it can now: its ops in order, up to the first that waits for a slow
 * stream's work not yet run (fast streams waited for are advanced first).
 */
static void advance(Stream* s) {
    if (s->busy) return; // a fast stream waiting for one that waits for it: each runs what it can
    s->busy = true;
    while (!s->q.empty()) {
        Stream* w = s->q.front().wait;
        uint64_t ws = s->q.front().waitSeq;
        if (w != NULL && !done(w, ws) && w->fast) advance(w);
        if (w != NULL && !done(w, ws)) break;
        Op op = std::move(s->q.front());
        s->q.pop_front();
        pending_--;
        if (w != NULL && w != s) stats.crossWaits++;
        if (op.run && op.seq < seq_) stats.deferredRuns++;
        if (op.run) op.run();
    }
    s->busy = false;
}

/** After every call: the fast streams run whatever has become runnable. */
static void settle() {
    for (bool progress = true; progress;) {
        progress = false;
        for (Stream* s : streams_)
            if (s->fast && !s->q.empty()) {
                size_t before = s->q.size();
                advance(s);
                progress |= s->q.size() != before;
            }
    }
}

/** Whether the n-th stream created (1 = the first cuStreamCreate) runs early: TESSERA_HOST_FAST="2,3" or "all". */
static bool fast_stream(size_t n) {
    const char* v = getenv("TESSERA_HOST_FAST");
    if (env_on("TESSERA_HOST_EAGER") || (v != NULL && strcmp(v, "all") == 0)) return true;
    for (const char* p = v; p != NULL && *p;) {
        char* end;
        unsigned long k = strtoul(p, &end, 10);
        if (end == p) break;
        if (k == n) return true;
        p = *end == ',' ? end + 1 : end;
    }
    return false;
}

static void push(Stream* s, Op op) {
    s->last = op.seq;
    s->q.push_back(std::move(op));
    pending_++;
    stats.maxPending = std::max(stats.maxPending, pending_);
}

/** Queues run (or a marker when empty) on s with the legacy stream's implicit waits; its seq. */
static uint64_t enqueue(Stream* s, std::function<void()> run, Stream* wait = NULL, uint64_t waitSeq = 0) {
    if (s->legacy) {
        for (Stream* b : streams_)
            if (b != s && b->blocking && !b->q.empty()) push(s, Op{++seq_, {}, b, b->last});
    } else if (s->blocking && !legacy_.q.empty()) {
        push(s, Op{++seq_, {}, &legacy_, legacy_.last});
    }
    uint64_t n = ++seq_;
    push(s, Op{n, std::move(run), wait, waitSeq});
    settle();
    return n;
}

// ---- Kernels: each entry point with its C signature --------------------------------------------
template <class T> static T load(void* p) {
    T v;
    std::memcpy(&v, p, sizeof(T));
    return v;
}

struct Kernel {
    const char* name;
    size_t params;
    /** The launch's body for one thread, with the parameter values copied now; 0 if a pointer is bad. */
    std::function<std::function<void()>(void**, std::string*)> bind;
};

/** A pointer parameter that is neither null nor inside a live device allocation (a GPU would fault). */
template <class T> static bool bad_pointer(void* p) {
    if constexpr (std::is_pointer<T>::value) {
        uintptr_t v = (uintptr_t) load<T>(p);
        return v != 0 && within(v, 1, false) == NULL;
    }
    return false;
}

template <class... A, size_t... I>
static std::function<void()> bind_args(void (*f)(A...), void** p, std::string* bad, std::index_sequence<I...>) {
    ((bad_pointer<A>(p[I]) ? (void) (*bad += " parameter " + std::to_string(I)) : (void) 0), ...);
    if (!bad->empty()) return {};
    auto args = std::make_shared<std::tuple<A...>>(load<A>(p[I])...);
    return [f, args] { std::apply(f, *args); };
}

template <class... A> static Kernel kernel(const char* name, void (*f)(A...)) {
    return Kernel{name, sizeof...(A), [f](void** p, std::string* bad) {
        return bind_args(f, p, bad, std::index_sequence_for<A...>{});
    }};
}

static const std::vector<Kernel>& kernels() {
    static const std::vector<Kernel> k = {
            kernel("tessera_health", cu_health::tessera_health),
            kernel("tessera_reject", cu_stack::tessera_reject),
            kernel("tessera_combine", cu_stack::tessera_combine),
            kernel("tessera_accumulate", cu_stack::tessera_accumulate),
            kernel("tessera_finish", cu_stack::tessera_finish),
            kernel("tessera_coadd", cu_coadd::tessera_coadd),
    };
    return k;
}

/** The launch running now and since when (a watchdog ends the process when one runs away). */
static std::atomic<const char*> running_{nullptr};
static std::atomic<long> since_{0};

static long now_s() { return (long) std::chrono::duration_cast<std::chrono::seconds>(
        std::chrono::steady_clock::now().time_since_epoch()).count(); }

/**
 * A kernel that reads garbage (a missing upload) may loop for ever, where a GPU would hang or hit
 * its watchdog: after TESSERA_HOST_KERNEL_TIMEOUT_S (default 120) s of one launch, say which and
 * end the process (status 3), rather than leave the test to its own, later, timeout.
 */
static void watchdog() {
    static std::once_flag once;
    std::call_once(once, [] {
        std::thread([] {
            long limit = (long) env_size("TESSERA_HOST_KERNEL_TIMEOUT_S", 120);
            for (;;) {
                std::this_thread::sleep_for(std::chrono::seconds(1));
                const char* k = running_.load();
                if (k != nullptr && now_s() - since_.load() > limit) {
                    fprintf(stderr, "[host-driver] kernel %s has run for over %ld s: it reads garbage (a missing upload or wait?); ending the process\n", k, limit);
                    fflush(stderr);
                    _exit(3);
                }
            }
        }).detach();
    });
}

/** Runs body for every (block, thread) of the grid, blocks spread over host threads. */
static void run_grid(const char* name, const std::function<void()>& body, HostDim3 grid, HostDim3 block) {
    watchdog();
    since_ = now_s();
    running_ = name;
    struct Done { ~Done() { running_ = nullptr; } } done;
    long blocks = (long) grid.x * grid.y * grid.z, per = (long) block.x * block.y * block.z;
    long threads = (long) env_size("TESSERA_HOST_THREADS", std::max(1u, std::thread::hardware_concurrency()));
    threads = std::max(1L, std::min(threads, blocks * per >= 8192 ? blocks : 1));
    auto work = [&](long w) {
        blockDim = block;
        gridDim = grid;
        for (long b = w; b < blocks; b += threads) {
            blockIdx = {(unsigned) (b % grid.x), (unsigned) (b / grid.x % grid.y), (unsigned) (b / grid.x / grid.y)};
            for (unsigned z = 0; z < block.z; z++)
                for (unsigned y = 0; y < block.y; y++)
                    for (unsigned x = 0; x < block.x; x++) {
                        threadIdx = {x, y, z};
                        body();
                    }
        }
    };
    if (threads == 1) {
        work(0);
        return;
    }
    std::vector<std::thread> pool;
    for (long w = 1; w < threads; w++) pool.emplace_back(work, w);
    work(0);
    for (auto& t : pool) t.join();
}

struct Module { std::vector<char> image; };
struct Function { const Kernel* kernel; };
struct Event { Stream* stream = NULL; uint64_t seq = 0; };
static std::map<void*, bool> events_; // live events: a destroyed one must not be used

// ---- The driver API JCudaDevice calls ----------------------------------------------------------
extern "C" {

int cuInit(unsigned int) { return OK; }
int cuDriverGetVersion(int* v) { *v = 13000; return OK; }
int cuDeviceGetCount(int* n) { *n = 1; return OK; }
int cuDeviceGet(int* d, int ordinal) { *d = ordinal; return ordinal == 0 ? OK : 101; }
int cuDeviceGetName(char* name, int len, int) {
    strncpy(name, "Tessera host device", (size_t) len);
    name[len - 1] = 0;
    return OK;
}
int cuDeviceGetAttribute(int* v, int attrib, int) {
    *v = attrib == 75 ? cc() / 10 : attrib == 76 ? cc() % 10 : 1; /* 75, 76: compute capability major, minor */
    return OK;
}
int cuDeviceTotalMem_v2(size_t* bytes, int) { *bytes = total(); return OK; }
int cuCtxCreate_v2(void** ctx, unsigned int, int) { *ctx = (void*) 0x1; return OK; }
int cuCtxSetCurrent(void*) { return OK; }
int cuCtxSynchronize(void) { LOCKED; flush_all(); return OK; }
int cuCtxDestroy_v2(void*) {
    LOCKED;
    flush_all();
    fprintf(stderr, "[host-driver] stats launches=%ld copies=%ld deferred=%ld max_pending=%ld cross_stream_waits=%ld device_syncs=%ld\n",
            stats.launches, stats.copies, stats.deferredRuns, stats.maxPending, stats.crossWaits, stats.flushes);
    return OK;
}

int cuStreamCreate(void** s, unsigned int flags) {
    LOCKED;
    Stream* st = new Stream{(flags & 0x1) == 0, false}; // CU_STREAM_NON_BLOCKING = 0x1
    st->fast = fast_stream(streams_.size());
    streams_.push_back(st);
    *s = st;
    return OK;
}
int cuStreamSynchronize(void* s) { LOCKED; flush(stream_of(s), UINT64_MAX); settle(); return OK; }
static Event* event_of(void* e) {
    if (events_.count(e) == 0) {
        fail(INVALID_HANDLE, "an event that does not exist (destroyed?)");
        return NULL;
    }
    return (Event*) e;
}
int cuStreamWaitEvent(void* s, void* e, unsigned int) {
    LOCKED;
    Event* ev = event_of(e);
    if (ev == NULL) return INVALID_HANDLE;
    if (ev->stream != NULL) enqueue(stream_of(s), {}, ev->stream, ev->seq);
    return OK;
}

int cuEventCreate(void** e, unsigned int) { LOCKED; *e = new Event(); events_[*e] = true; return OK; }
int cuEventDestroy_v2(void* e) {
    LOCKED;
    if (event_of(e) == NULL) return INVALID_HANDLE;
    events_.erase(e);
    delete (Event*) e;
    return OK;
}
int cuEventRecord(void* e, void* s) {
    LOCKED;
    Event* ev = event_of(e);
    if (ev == NULL) return INVALID_HANDLE;
    ev->stream = stream_of(s);
    ev->seq = enqueue(ev->stream, {});
    return OK;
}
int cuEventSynchronize(void* e) {
    LOCKED;
    Event* ev = event_of(e);
    if (ev == NULL) return INVALID_HANDLE;
    if (ev->stream != NULL) flush(ev->stream, ev->seq);
    settle();
    return OK;
}

int cuMemGetInfo_v2(size_t* free, size_t* tot) { LOCKED; *free = total() - used; *tot = total(); return OK; }
int cuMemAlloc_v2(dptr* p, size_t bytes) {
    LOCKED;
    if (bytes == 0) return INVALID_VALUE;
    if (bytes > total() - used) return OUT_OF_MEMORY;
    void* m = calloc(1, bytes); // large blocks are mapped lazily: only what is written costs RAM
    if (m == NULL) return OUT_OF_MEMORY;
    poison(m, bytes); // a GPU's new memory holds whatever was there
    used += bytes;
    blocks[(uintptr_t) m] = Block{bytes, false};
    *p = (dptr) (uintptr_t) m;
    return OK;
}
int cuMemFree_v2(dptr p) {
    LOCKED;
    flush_all();
    auto it = blocks.find((uintptr_t) p);
    if (it == blocks.end() || it->second.pinned) return fail(INVALID_VALUE, "cuMemFree of a pointer that is not an allocation");
    used -= it->second.bytes;
    blocks.erase(it);
    free((void*) (uintptr_t) p);
    return OK;
}
int cuMemAllocHost_v2(void** p, size_t bytes) {
    LOCKED;
    *p = malloc(bytes);
    if (*p == NULL) return OUT_OF_MEMORY;
    poison(*p, bytes);
    blocks[(uintptr_t) *p] = Block{bytes, true};
    return OK;
}
int cuMemFreeHost(void* p) {
    LOCKED;
    flush_all();
    auto it = blocks.find((uintptr_t) p);
    if (it == blocks.end() || !it->second.pinned) return fail(INVALID_VALUE, "cuMemFreeHost of a pointer that is not pinned memory");
    blocks.erase(it);
    free(p);
    return OK;
}

static int bad_range(const char* what, dptr d, size_t n) {
    char m[200];
    snprintf(m, sizeof m, "%s: %zu bytes at device address 0x%llx are not inside one allocation", what, n, d);
    return fail(INVALID_VALUE, m);
}

int cuMemcpyHtoD_v2(dptr dst, const void* src, size_t n) {
    LOCKED;
    if (within(dst, n, false) == NULL) return bad_range("cuMemcpyHtoD", dst, n);
    auto data = std::make_shared<std::vector<char>>((const char*) src, (const char*) src + n);
    stats.copies++;
    flush(&legacy_, enqueue(&legacy_, [dst, data] { memcpy((void*) (uintptr_t) dst, data->data(), data->size()); }));
    settle();
    return OK;
}
int cuMemcpyHtoDAsync_v2(dptr dst, const void* src, size_t n, void* s) {
    LOCKED;
    if (within(dst, n, false) == NULL) return bad_range("cuMemcpyHtoDAsync", dst, n);
    stats.copies++;
    if (within((uintptr_t) src, 1, true) != NULL) {
        if (within((uintptr_t) src, n, true) == NULL) return fail(INVALID_VALUE, "cuMemcpyHtoDAsync: the source runs past its pinned allocation");
        // Pinned: the DMA reads the host memory when it runs.
        enqueue(stream_of(s), [dst, src, n] { memcpy((void*) (uintptr_t) dst, src, n); });
    } else {
        auto data = std::make_shared<std::vector<char>>((const char*) src, (const char*) src + n);
        enqueue(stream_of(s), [dst, data] { memcpy((void*) (uintptr_t) dst, data->data(), data->size()); });
    }
    return OK;
}
int cuMemcpyDtoH_v2(void* dst, dptr src, size_t n) {
    LOCKED;
    if (within(src, n, false) == NULL) return bad_range("cuMemcpyDtoH", src, n);
    stats.copies++;
    flush(&legacy_, enqueue(&legacy_, [dst, src, n] { memcpy(dst, (const void*) (uintptr_t) src, n); }));
    settle();
    return OK;
}
int cuMemcpyDtoD_v2(dptr dst, dptr src, size_t n) {
    LOCKED;
    if (within(dst, n, false) == NULL) return bad_range("cuMemcpyDtoD", dst, n);
    if (within(src, n, false) == NULL) return bad_range("cuMemcpyDtoD", src, n);
    stats.copies++;
    enqueue(&legacy_, [dst, src, n] { memmove((void*) (uintptr_t) dst, (const void*) (uintptr_t) src, n); });
    return OK;
}

/** A CUBIN's size from its ELF header (section headers last), a PTX's up to its NUL; 0 if neither. */
static size_t image_size(const unsigned char* im) {
    if (memcmp(im, "\177ELF", 4) == 0 && im[4] == 2) {
        uint64_t shoff;
        uint16_t shentsize, shnum;
        memcpy(&shoff, im + 0x28, 8);
        memcpy(&shentsize, im + 0x3A, 2);
        memcpy(&shnum, im + 0x3C, 2);
        uint64_t phoff;
        uint16_t phentsize, phnum;
        memcpy(&phoff, im + 0x20, 8);
        memcpy(&phentsize, im + 0x36, 2);
        memcpy(&phnum, im + 0x38, 2);
        return (size_t) std::max(shoff + (uint64_t) shentsize * shnum, phoff + (uint64_t) phentsize * phnum);
    }
    if (memcmp(im, "//", 2) == 0 || memcmp(im, ".version", 8) == 0) return strlen((const char*) im);
    return 0;
}

int cuModuleLoadData(void** m, const void* image) {
    LOCKED;
    size_t n = image_size((const unsigned char*) image);
    if (n == 0) return INVALID_IMAGE;
    // JCuda's image is a Java array, pinned only for the call: keep a copy.
    *m = new Module{std::vector<char>((const char*) image, (const char*) image + n)};
    return OK;
}
int cuModuleGetFunction(void** f, void* m, const char* name) {
    LOCKED;
    const std::vector<char>& im = ((Module*) m)->image;
    size_t len = strlen(name);
    // The entry point must be in the image loaded: the CUBIN's symbol table, the PTX's .entry.
    if (std::search(im.begin(), im.end(), name, name + len) == im.end()) return NOT_FOUND;
    for (const Kernel& k : kernels())
        if (strcmp(k.name, name) == 0) {
            *f = new Function{&k};
            return OK;
        }
    return NOT_FOUND;
}

int cuLaunchKernel(void* f, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
                   unsigned shared, void* s, void** params, void** extra) {
    LOCKED;
    if (f == NULL) return INVALID_HANDLE;
    const Kernel* k = ((Function*) f)->kernel;
    if (gx == 0 || gy == 0 || gz == 0 || bx == 0 || by == 0 || bz == 0 || (long) bx * by * bz > 1024) return INVALID_VALUE;
    if (shared != 0 || extra != NULL || params == NULL) return fail(INVALID_VALUE, "cuLaunchKernel: no shared memory, no extra, kernelParams needed");
    std::string bad;
    std::function<void()> body = k->bind(params, &bad);
    if (!body) {
        std::string m = std::string("cuLaunchKernel(") + k->name + "): not a device allocation:" + bad;
        return fail(INVALID_VALUE, m.c_str());
    }
    stats.launches++;
    HostDim3 grid{gx, gy, gz}, block{bx, by, bz};
    const char* name = k->name;
    enqueue(stream_of(s), [name, body, grid, block] { run_grid(name, body, grid, block); });
    return OK;
}

} // extern "C"
