/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Small helpers shared by the vendor layer: cleanup attributes, alignment
 * arithmetic and a rate-limited log line.
 *
 * Contract: everything here is header-only and thread-safe except where a
 * comment says otherwise.
 */
#ifndef AVB_VENDOR_UTIL_H
#define AVB_VENDOR_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#define _cleanup_(f) __attribute__((cleanup(f)))

static inline void avb_freep(void *p)
{
	free(*(void **)p);
}
#define _cleanup_free_ _cleanup_(avb_freep)

static inline void avb_closep(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}
#define _cleanup_close_ _cleanup_(avb_closep)

/* Hand a pointer out of a cleanup-guarded variable: returns it, leaves NULL. */
#define AVB_TAKE_PTR(p)                                                                            \
	({                                                                                         \
		__typeof__(p) avb_take_tmp_ = (p);                                                 \
		(p) = NULL;                                                                        \
		avb_take_tmp_;                                                                     \
	})

#define AVB_TAKE_FD(fd)                                                                            \
	({                                                                                         \
		int avb_take_fd_ = (fd);                                                           \
		(fd) = -1;                                                                         \
		avb_take_fd_;                                                                      \
	})

#define AVB_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static inline bool avb_is_pow2(uint64_t v)
{
	return v != 0 && (v & (v - 1)) == 0;
}

/* align must be a power of two; the caller guarantees v + align cannot overflow. */
static inline uint64_t avb_align_up(uint64_t v, uint64_t align)
{
	return (v + align - 1) & ~(align - 1);
}

static inline uint64_t avb_align_down(uint64_t v, uint64_t align)
{
	return v & ~(align - 1);
}

/* Milliseconds of CLOCK_MONOTONIC. */
static inline int64_t avb_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * One line on stderr, prefixed with "avbuffer-vendor: ". avbufferd runs under
 * systemd, so stderr lands in the journal.
 */
void avb_vendor_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* AVB_VENDOR_UTIL_H */
