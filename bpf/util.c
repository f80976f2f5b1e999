// SPDX-License-Identifier: MIT
/* Allocation and file helpers shared by the stages. */
#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bpf/internal.h"

#define HUGE_PAGE ((size_t)2 << 20)

void *pds_calloc(size_t n, size_t size)
{
	if (n == 0 || size == 0)
		return calloc(1, 1);
	return calloc(n, size);
}

/*
 * Arrays sized by the program (per instruction, block, anchor or loop). Those
 * of 512 KiB and more are mapped on their own, aligned to a huge page and
 * rounded up to whole ones, with the huge-page hint on all of it: a 4 MiB array
 * that glibc maps costs up to a thousand 4 KiB faults at its two unaligned
 * ends, and glibc's realloc of a mapping the hint split copies it into fresh
 * 4 KiB pages. Smaller ones come from malloc. A header before the array says
 * which, and how large it is. Under AddressSanitizer every array comes from
 * malloc, so that the sanitizer sees every access.
 */
#if defined(__SANITIZE_ADDRESS__)
#define ARR_MAP_MIN SIZE_MAX
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ARR_MAP_MIN SIZE_MAX
#endif
#endif
#ifndef ARR_MAP_MIN
#define ARR_MAP_MIN ((size_t)512 << 10)
#endif
#define ARR_MAP_LEAD 64 /* the mapping's bytes before the array: a cache line */

struct arr_hdr {
	size_t map;   /* the mapping's length; 0 when from malloc */
	size_t bytes; /* the array's size */
};

static void *arr_map(size_t bytes)
{
	size_t len, span;
	uintptr_t base, at;
	void *m;

	if (bytes > SIZE_MAX - ARR_MAP_LEAD - 2 * HUGE_PAGE)
		return NULL;
	len = (bytes + ARR_MAP_LEAD + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
	span = len + HUGE_PAGE;
	m = mmap(NULL, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return NULL;
	base = (uintptr_t)m;
	at = (base + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1);
	if (at > base)
		(void)munmap(m, at - base);
	if (base + span > at + len)
		(void)munmap((void *)(at + len), base + span - (at + len));
	(void)madvise((void *)at, len, MADV_HUGEPAGE);
	((struct arr_hdr *)(at + ARR_MAP_LEAD) - 1)->map = len;
	((struct arr_hdr *)(at + ARR_MAP_LEAD) - 1)->bytes = bytes;
	return (void *)(at + ARR_MAP_LEAD);
}

void *pds_arr_alloc(size_t n, size_t size)
{
	struct arr_hdr *h;
	size_t bytes;

	if (size != 0 && n > SIZE_MAX / size)
		return NULL;
	bytes = n * size;
	if (bytes >= ARR_MAP_MIN)
		return arr_map(bytes);
	if (bytes > SIZE_MAX - sizeof(*h))
		return NULL;
	h = calloc(1, sizeof(*h) + bytes);
	if (!h)
		return NULL;
	h->map = 0;
	h->bytes = bytes;
	return h + 1;
}

void *pds_arr_realloc(void *old, size_t n, size_t size)
{
	struct arr_hdr *h = old ? (struct arr_hdr *)old - 1 : NULL;
	size_t bytes;
	void *p;

	if (!old)
		return pds_arr_alloc(n, size);
	if (size != 0 && n > SIZE_MAX / size)
		return NULL;
	bytes = n * size;
	if (bytes <= h->bytes)
		return old;
	if (!h->map && bytes < ARR_MAP_MIN) {
		struct arr_hdr *g = realloc(h, sizeof(*g) + bytes);

		if (!g)
			return NULL;
		memset((char *)(g + 1) + g->bytes, 0, bytes - g->bytes);
		g->bytes = bytes;
		return g + 1;
	}
	p = pds_arr_alloc(n, size);
	if (!p)
		return NULL;
	memcpy(p, old, h->bytes);
	pds_arr_free(old);
	return p;
}

void pds_arr_free(void *p)
{
	struct arr_hdr *h;

	if (!p)
		return;
	h = (struct arr_hdr *)p - 1;
	if (h->map)
		(void)munmap((char *)p - ARR_MAP_LEAD, h->map);
	else
		free(h);
}

char *pds_strndup(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *pds_strdup(const char *s)
{
	return pds_strndup(s, strlen(s));
}

static int read_all(int fd, uint8_t *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t r = read(fd, buf + got, len - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		got += (size_t)r;
	}
	return 0;
}

int pds_read_file(const char *path, size_t max, int too_large, void **buf, size_t *len,
		  const struct pds_chk_diag_sink *sink)
{
	struct pds_loc loc = PDS_LOC_FILE(path);
	struct stat st;
	uint8_t *data = NULL;
	int fd, err = 0;

	*buf = NULL;
	*len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return pds_diag(sink, PDS_CHK_ERROR, PDS_CHK_E_IO, &loc, "cannot open: %s",
				strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		err = pds_diag(sink, PDS_CHK_ERROR, PDS_CHK_E_IO, &loc, "not a regular file");
		goto out;
	}
	if (max && (uint64_t)st.st_size > max) {
		err = pds_diag(sink, PDS_CHK_ERROR, too_large, &loc,
			       "file is %lld bytes, more than the %zu allowed",
			       (long long)st.st_size, max);
		goto out;
	}
	data = malloc((size_t)st.st_size + 1);
	if (!data) {
		err = pds_diag(sink, PDS_CHK_ERROR, PDS_CHK_E_NOMEM, &loc, "out of memory");
		goto out;
	}
	if (read_all(fd, data, (size_t)st.st_size) < 0) {
		err = pds_diag(sink, PDS_CHK_ERROR, PDS_CHK_E_IO, &loc, "read failed");
		goto out;
	}
	data[st.st_size] = '\0';
	*buf = data;
	*len = (size_t)st.st_size;
	data = NULL;
out:
	free(data);
	close(fd);
	return err;
}

void pds_escape(const char *s, char *buf, size_t size)
{
	size_t at = 0;

	for (const unsigned char *p = (const unsigned char *)s; *p && at + 5 < size; p++) {
		if (*p == '\n' || *p == '\t' || *p == '"' || *p == '\\') {
			buf[at++] = '\\';
			buf[at++] = *p == '\n' ? 'n' : *p == '\t' ? 't' : (char)*p;
		} else if (*p < 0x20 || *p >= 0x7f) {
			at += (size_t)snprintf(buf + at, size - at, "\\x%02x", *p);
		} else {
			buf[at++] = (char)*p;
		}
	}
	if (size)
		buf[at < size ? at : size - 1] = '\0';
}
