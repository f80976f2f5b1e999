// SPDX-License-Identifier: MIT
/* PQUIC access keys (pquic-abi.md §4), generated from bpf/data/pquic-access-keys.tsv. */
#include <string.h>

#include "bpf/analysis_int.h"

static const struct pds_access_key keys[] = {
#include "access_keys.inc"
};

/* "get_cnx" and "set_cnx" share their keys: compare what follows the prefix. */
static bool same_object(const char *helper, const char *setter)
{
	if (strncmp(helper, "get_", 4) != 0 && strncmp(helper, "set_", 4) != 0)
		return false;
	return !strcmp(helper + 4, setter + 4);
}

const struct pds_access_key *pds_access_key_find(const char *helper, uint32_t value)
{
	for (size_t i = 0; i < PDS_ARRAY_SIZE(keys); i++)
		if (keys[i].value == value && same_object(helper, keys[i].setter))
			return &keys[i];
	return NULL;
}

const struct pds_access_key *pds_access_key_by_name(const char *name)
{
	for (size_t i = 0; i < PDS_ARRAY_SIZE(keys); i++)
		if (!strcmp(keys[i].name, name))
			return &keys[i];
	return NULL;
}
