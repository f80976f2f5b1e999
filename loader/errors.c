// SPDX-License-Identifier: MIT
/* Result codes and rule ids of libpdsload. */
#include <stddef.h>

#include <pds/interp.h>

struct err_info {
	int code;
	const char *rule;
	const char *desc;
};

static const struct err_info err_table[] = {
#define PDS_LDR_ERR_ROW(name, value, rule, desc) {value, rule, desc},
	PDS_LDR_ERRORS(PDS_LDR_ERR_ROW)
#undef PDS_LDR_ERR_ROW
};

static const struct err_info *err_lookup(int err)
{
	for (size_t i = 0; i < sizeof(err_table) / sizeof(err_table[0]); i++)
		if (err_table[i].code == err)
			return &err_table[i];
	return NULL;
}

PDS_API const char *pds_ldr_strerror(int err)
{
	const struct err_info *e = err_lookup(err);

	return e ? e->desc : "unknown error";
}

PDS_API const char *pds_ldr_rule(int err)
{
	const struct err_info *e = err_lookup(err);

	return e ? e->rule : "unknown";
}
