// SPDX-License-Identifier: MIT
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
