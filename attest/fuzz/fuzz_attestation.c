// SPDX-License-Identifier: MIT
/* Attestation texts: refused, or parsed into a struct that formats back to the input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <pds/attestation.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pds_attestation *a = NULL;
	char *enc = NULL;
	size_t len;

	if (pds_att_parse((const char *)data, size, "fuzz", NULL, &a))
		return 0;
	if (pds_att_format(a, &enc, &len) || len != size || memcmp(enc, data, size))
		__builtin_trap();
	free(enc);
	pds_att_free(a);
	return 0;
}
