/* memstat: RSS and peak RSS from /proc without allocating. */
#include "base/memstat.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

/* Reads up to cap-1 bytes of a small /proc file into buf, NUL-terminated.
 * Returns the length, or -1. /proc files are generated on read: one read()
 * of a large enough buffer returns the whole (small) file. */
static ssize_t memstat_slurp(const char *path, char *buf, size_t cap)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    size_t len = 0;
    while (len < cap - 1) {
        ssize_t n = read(fd, buf + len, cap - 1 - len);
        if (n < 0) {
            close(fd);
            return -1;
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    close(fd);
    buf[len] = '\0';
    return (ssize_t)len;
}

static uint64_t memstat_number(const char *p, const char **end)
{
    uint64_t v = 0;
    while (*p >= '0' && *p <= '9')
        v = v * 10u + (uint64_t)(*p++ - '0');
    *end = p;
    return v;
}

uint64_t memstat_rss_bytes(void)
{
    char buf[256];
    if (memstat_slurp("/proc/self/statm", buf, sizeof buf) <= 0)
        return 0;
    const char *p = buf;
    (void)memstat_number(p, &p); /* size */
    if (*p != ' ')
        return 0;
    uint64_t pages = memstat_number(p + 1, &p);
    long page = sysconf(_SC_PAGESIZE);
    return page > 0 ? pages * (uint64_t)page : 0;
}

uint64_t memstat_peak_bytes(void)
{
    char buf[4096]; /* /proc/self/status is ~1.5 KB */
    if (memstat_slurp("/proc/self/status", buf, sizeof buf) <= 0)
        return 0;
    const char *p = strstr(buf, "\nVmHWM:");
    if (!p)
        return 0;
    p += 7;
    while (*p == ' ' || *p == '\t')
        p++;
    uint64_t kb = memstat_number(p, &p);
    return kb * 1024u; /* the kernel prints kB (KiB) */
}
