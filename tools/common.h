/* SPDX-License-Identifier: MIT */
/* What the command-line tools share: JSON output and terminal helpers. */
#ifndef PDS_TOOLS_COMMON_H
#define PDS_TOOLS_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* A streaming JSON writer with automatic commas. */
struct pds_json {
	FILE *out;
	int depth;
	bool need_comma[64];
};

void pds_json_init(struct pds_json *j, FILE *out);
void pds_json_begin_obj(struct pds_json *j, const char *key);
void pds_json_end_obj(struct pds_json *j);
void pds_json_begin_arr(struct pds_json *j, const char *key);
void pds_json_end_arr(struct pds_json *j);
void pds_json_str(struct pds_json *j, const char *key, const char *val);
void pds_json_int(struct pds_json *j, const char *key, long long val);
void pds_json_uint(struct pds_json *j, const char *key, unsigned long long val);
void pds_json_bool(struct pds_json *j, const char *key, bool val);
void pds_json_null(struct pds_json *j, const char *key);
/* Writes s as a JSON string literal (escaped). */
void pds_json_quote(FILE *out, const char *s);

/* True when standard error is a terminal (progress output goes there). */
bool pds_tool_interactive(void);

/*
 * Replaces path with data so that a crash leaves either the old or the new file:
 * a temp file beside it, fsync, rename, fsync of the folder.  0 or an errno value.
 */
int pds_tool_write_atomic(const char *path, const void *data, size_t len, unsigned mode);
/*
 * Reads a whole file ("-": standard input) of at most max bytes, NUL-terminated;
 * 0 or an errno value (EFBIG when larger).
 */
int pds_tool_read_file(const char *path, size_t max, char **buf, size_t *len);

#endif
