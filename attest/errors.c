// SPDX-License-Identifier: MIT
/* Result codes, rule ids and diagnostic formatting of libpdsattest. */
#include <stdio.h>

#include "attest/att_fmt.h"

struct err_info {
	int code;
	const char *rule;
	const char *desc;
};

static const struct err_info err_table[] = {
#define PDS_ATT_ERR_ROW(name, value, rule, desc) {value, rule, desc},
	PDS_ATT_ERRORS(PDS_ATT_ERR_ROW)
#undef PDS_ATT_ERR_ROW
};

static const struct err_info *err_lookup(int err)
{
	for (size_t i = 0; i < ATT_ARRAY_SIZE(err_table); i++)
		if (err_table[i].code == err)
			return &err_table[i];
	return NULL;
}

PDS_API const char *pds_att_strerror(int err)
{
	const struct err_info *e = err_lookup(err);

	return e ? e->desc : "unknown error";
}

PDS_API const char *pds_att_rule(int err)
{
	const struct err_info *e = err_lookup(err);

	return e ? e->rule : "unknown";
}

PDS_API int pds_att_diag_format(const struct pds_att_diag *d, char *buf, size_t size)
{
	const char *file = d->file ? d->file : "<input>";
	const char *msg = d->msg ? d->msg : pds_att_strerror(d->code);
	const char *rule = d->rule ? d->rule : pds_att_rule(d->code);

	if (d->line && d->col)
		return snprintf(buf, size, "%s:%u:%u: error: %s [%s]", file, d->line, d->col, msg,
				rule);
	if (d->line)
		return snprintf(buf, size, "%s:%u: error: %s [%s]", file, d->line, msg, rule);
	return snprintf(buf, size, "%s: error: %s [%s]", file, msg, rule);
}
