// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the loader's anti-rollback state file (docs/formats.md
 * §11): any bytes parse to a newest size or name a line at fault, never crash.
 */
#include <stdint.h>
#include <stdlib.h>

#include "loader/policy_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t newest = 0;
	unsigned bad = pds_ldr_state_parse((const char *)data, size, "log.example/pds", &newest);
	unsigned lines = 1;

	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	/* A refusal names a line of the input. */
	if (bad > lines)
		abort();
	return 0;
}
