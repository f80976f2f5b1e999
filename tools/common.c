// SPDX-License-Identifier: MIT
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tools/common.h"

void pds_json_quote(FILE *out, const char *s)
{
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", out);
			break;
		case '\\':
			fputs("\\\\", out);
			break;
		case '\n':
			fputs("\\n", out);
			break;
		case '\t':
			fputs("\\t", out);
			break;
		case '\r':
			fputs("\\r", out);
			break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				fprintf(out, "\\u%04x", *p);
			else
				fputc(*p, out);
		}
	}
	fputc('"', out);
}

void pds_json_init(struct pds_json *j, FILE *out)
{
	j->out = out;
	j->depth = 0;
	j->need_comma[0] = false;
}

static void key(struct pds_json *j, const char *k)
{
	if (j->need_comma[j->depth])
		fputc(',', j->out);
	j->need_comma[j->depth] = true;
	if (k) {
		pds_json_quote(j->out, k);
		fputc(':', j->out);
	}
}

static void open_(struct pds_json *j, const char *k, char c)
{
	key(j, k);
	fputc(c, j->out);
	if (j->depth < 63)
		j->depth++;
	j->need_comma[j->depth] = false;
}

static void close_(struct pds_json *j, char c)
{
	fputc(c, j->out);
	if (j->depth > 0)
		j->depth--;
	if (j->depth == 0)
		fputc('\n', j->out);
}

void pds_json_begin_obj(struct pds_json *j, const char *k)
{
	open_(j, k, '{');
}

void pds_json_end_obj(struct pds_json *j)
{
	close_(j, '}');
}

void pds_json_begin_arr(struct pds_json *j, const char *k)
{
	open_(j, k, '[');
}

void pds_json_end_arr(struct pds_json *j)
{
	close_(j, ']');
}

void pds_json_str(struct pds_json *j, const char *k, const char *v)
{
	key(j, k);
	if (v)
		pds_json_quote(j->out, v);
	else
		fputs("null", j->out);
}

void pds_json_int(struct pds_json *j, const char *k, long long v)
{
	key(j, k);
	fprintf(j->out, "%lld", v);
}

void pds_json_uint(struct pds_json *j, const char *k, unsigned long long v)
{
	key(j, k);
	fprintf(j->out, "%llu", v);
}

void pds_json_bool(struct pds_json *j, const char *k, bool v)
{
	key(j, k);
	fputs(v ? "true" : "false", j->out);
}

void pds_json_null(struct pds_json *j, const char *k)
{
	key(j, k);
	fputs("null", j->out);
}

bool pds_tool_interactive(void)
{
	return isatty(STDERR_FILENO) == 1;
}

static int write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? errno : EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int fsync_parent(const char *path)
{
	char *copy = strdup(path);
	int fd, err = 0;

	if (!copy)
		return ENOMEM;
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fsync(fd) != 0)
		err = errno;
	if (fd >= 0)
		close(fd);
	free(copy);
	return err;
}

int pds_tool_write_atomic(const char *path, const void *data, size_t len, unsigned mode)
{
	char tmp[4096];
	int fd, err = 0;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid()) >= (int)sizeof(tmp))
		return ENAMETOOLONG;
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0)
		return errno;
	err = write_all(fd, data, len);
	if (!err && fsync(fd) != 0)
		err = errno;
	if (close(fd) != 0 && !err)
		err = errno;
	if (!err && rename(tmp, path) != 0)
		err = errno;
	if (err) {
		unlink(tmp);
		return err;
	}
	return fsync_parent(path);
}

int pds_tool_read_file(const char *path, size_t max, char **buf, size_t *len)
{
	int is_stdin = !strcmp(path, "-");
	FILE *f = is_stdin ? stdin : fopen(path, "rb");
	char *p = NULL;
	size_t n;
	int err = 0;

	if (!f)
		return errno;
	p = malloc(max + 2);
	if (!p) {
		err = ENOMEM;
		goto out;
	}
	n = fread(p, 1, max + 1, f);
	if (ferror(f))
		err = EIO;
	else if (n > max)
		err = EFBIG;
out:
	if (!is_stdin)
		fclose(f);
	if (err) {
		free(p);
		return err;
	}
	p[n] = '\0';
	*buf = p;
	*len = n;
	return 0;
}
