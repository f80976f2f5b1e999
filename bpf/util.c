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

/*
 * The arrays of per-block and per-loop analysis data reach hundreds of
 * megabytes on the largest programs. glibc maps large blocks fresh, and
 * touching them a 4 KiB page at a time costs more than the analysis itself
 * (under a hypervisor, many microseconds a page), as do the TLB misses after.
 * Large blocks ask for huge pages: a hint, where the kernel declines nothing
 * changes. Blocks under 4 MiB rarely hold a whole aligned huge page.
 */
#define HUGE_PAGE ((size_t)2 << 20)

void pds_hint_huge(void *p, size_t bytes)
{
	uintptr_t lo, hi;

	if (!p || bytes < 2 * HUGE_PAGE)
		return;
	lo = ((uintptr_t)p + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1);
	hi = ((uintptr_t)p + bytes) & ~(uintptr_t)(HUGE_PAGE - 1);
	if (hi > lo)
		(void)madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
}

void *pds_calloc(size_t n, size_t size)
{
	void *p;

	if (n == 0 || size == 0)
		return calloc(1, 1);
	p = calloc(n, size);
	if (p && n <= SIZE_MAX / size)
		pds_hint_huge(p, n * size);
	return p;
}

void *pds_malloc_array(size_t n, size_t size)
{
	void *p;

	if (n == 0 || size == 0 || n > SIZE_MAX / size)
		return n == 0 || size == 0 ? malloc(1) : NULL;
	p = malloc(n * size);
	pds_hint_huge(p, n * size);
	return p;
}

void *pds_realloc_array(void *old, size_t n, size_t size)
{
	void *p;

	if (n == 0 || size == 0 || n > SIZE_MAX / size)
		return n == 0 || size == 0 ? realloc(old, 1) : NULL;
	p = realloc(old, n * size);
	pds_hint_huge(p, n * size);
	return p;
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
