/* slow_fsync.c: a slow disk for the load benchmark (tests/load.py --pi).
 *
 * Loaded with LD_PRELOAD into the quizbox server only, it delays every
 * fsync(), fdatasync() and sync_file_range() by QUIZBOX_FSYNC_DELAY_MS
 * milliseconds (default 5: an SD card's flush) and then calls the real one,
 * so a commit takes as long as on a slow card while the data still reaches
 * the disk. The delay sleeps the calling thread only, as a real flush does.
 *
 * With QUIZBOX_FSYNC_COUNT_FILE set, it also counts the calls and the time
 * they took, in two native-endian uint64 in that file (shared memory, so the
 * figures survive a SIGKILL): [0] calls, [1] nanoseconds inside them.
 *
 * Built at run time, never committed as a binary:
 *     cc -shared -fPIC -O2 -o slow_fsync.so tests/slow_fsync.c -ldl
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static long delay_ns = 5L * 1000 * 1000;
static uint64_t *counts;   /* NULL: not counting */

static int (*real_fsync)(int);
static int (*real_fdatasync)(int);
static int (*real_sync_file_range)(int, off_t, off_t, unsigned int);

__attribute__((constructor)) static void slow_fsync_init(void)
{
    const char *text = getenv("QUIZBOX_FSYNC_DELAY_MS");
    if (text != NULL && *text != '\0') {
        char *end;
        double ms = strtod(text, &end);
        if (end != text && ms >= 0)
            delay_ns = (long)(ms * 1e6);
    }
    real_fsync = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
    real_fdatasync = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
    real_sync_file_range = (int (*)(int, off_t, off_t, unsigned int))
        dlsym(RTLD_NEXT, "sync_file_range");

    const char *path = getenv("QUIZBOX_FSYNC_COUNT_FILE");
    if (path != NULL && *path != '\0') {
        int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (fd >= 0) {
            if (ftruncate(fd, 2 * sizeof(uint64_t)) == 0) {
                void *map = mmap(NULL, 2 * sizeof(uint64_t), PROT_READ | PROT_WRITE,
                                 MAP_SHARED, fd, 0);
                if (map != MAP_FAILED)
                    counts = map;
            }
            close(fd);
        }
    }
}

static uint64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static void slow_down(void)
{
    struct timespec left = {delay_ns / 1000000000L, delay_ns % 1000000000L};
    while (nanosleep(&left, &left) == -1 && errno == EINTR)
        ;   /* a signal cut it short: sleep the rest */
}

static void count(uint64_t started)
{
    if (counts != NULL) {
        __atomic_add_fetch(&counts[0], 1, __ATOMIC_RELAXED);
        __atomic_add_fetch(&counts[1], now_ns() - started, __ATOMIC_RELAXED);
    }
}

int fsync(int fd)
{
    uint64_t started = now_ns();
    int saved, result;
    slow_down();
    if (real_fsync == NULL) {
        errno = ENOSYS;
        return -1;
    }
    result = real_fsync(fd);
    saved = errno;
    count(started);
    errno = saved;
    return result;
}

int fdatasync(int fd)
{
    uint64_t started = now_ns();
    int saved, result;
    slow_down();
    if (real_fdatasync == NULL) {
        errno = ENOSYS;
        return -1;
    }
    result = real_fdatasync(fd);
    saved = errno;
    count(started);
    errno = saved;
    return result;
}

int sync_file_range(int fd, off_t offset, off_t nbytes, unsigned int flags)
{
    uint64_t started = now_ns();
    int saved, result;
    slow_down();
    if (real_sync_file_range == NULL) {
        errno = ENOSYS;
        return -1;
    }
    result = real_sync_file_range(fd, offset, nbytes, flags);
    saved = errno;
    count(started);
    errno = saved;
    return result;
}
