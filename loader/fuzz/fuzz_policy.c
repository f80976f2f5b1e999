// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the trust policy parser: any bytes either parse into a
 * policy (whose formula and quorum then evaluate over a few signer sets) or
 * are refused with a policy code that names the input, never a crash.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "loader/policy_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct pds_ldr_result res;
	struct pds_ldr_policy *p = NULL;
	int err = pds_ldr_policy_parse((const char *)data, size, "fuzz.policy", &p, &res);

	if (err) {
		if (p || res.code != err || strcmp(res.file, "fuzz.policy") != 0 ||
		    ((err < PDS_LDR_E_POL_SYNTAX || err > PDS_LDR_E_POL_ENCODING) &&
		     err != PDS_LDR_E_NOMEM))
			abort();
		return 0;
	}
	for (unsigned set = 0; set < 8; set++) {
		unsigned char s[PDS_POL_MAX_WITNESSES];

		for (size_t i = 0; i < sizeof(s); i++)
			s[i] = (unsigned char)((set >> (i % 3)) & 1);
		(void)pds_pol_formula_eval(&p->formula, s);
		(void)pds_pol_quorum_eval(p, s);
	}
	pds_ldr_policy_free(p);
	return 0;
}
