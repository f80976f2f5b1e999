// SPDX-License-Identifier: MIT
/* Kernel helper ids to names (the table is generated from libbpf's bpf_helper_defs.h). */
#include "bpf/internal.h"

static const char *const kernel_helpers[] = {
#include "kernel_helpers.inc"
};

const char *pds_kernel_helper_name(int32_t id)
{
	if (id <= 0 || (size_t)id >= PDS_ARRAY_SIZE(kernel_helpers))
		return NULL;
	return kernel_helpers[id];
}
