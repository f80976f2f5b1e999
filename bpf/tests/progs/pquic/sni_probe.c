// SPDX-License-Identifier: MIT
/*
 * A pluglet that compares a name given as input with a constant and keeps a copy
 * in plugin memory that grows with my_realloc.  Uses strncmp, strlen, my_memcpy,
 * my_realloc and my_free, and a string constant at a non-zero offset.
 */
#include "pquic.h"

protoop_arg_t sni_probe(picoquic_cnx_t *cnx)
{
	const char *name = (const char *)PQUIC_INPUT(cnx, 0);
	char *copy = (char *)get_cnx_metadata(cnx, 4);
	size_t len = strlen(name);

	if (len > 255)
		return 1;
	if (strncmp(name, "example.org", 11) == 0)
		return 0;
	copy = my_realloc(cnx, copy, (unsigned int)len + 1);
	if (!copy)
		return 1;
	my_memcpy(copy, name, len + 1);
	if (strncmp(copy, "localhost", 9) == 0) {
		my_free(cnx, copy);
		copy = NULL;
	}
	set_cnx_metadata(cnx, 4, (protoop_arg_t)copy);
	return 0;
}
