// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the interpreter: the input's first byte picks the profile
 * and the rest is a code section.  Whatever the object reader accepts runs with a
 * budget under a host whose answers come from the input, so faults, odd jumps,
 * frames and helper results are all explored; the run must end with a result
 * code, never a crash.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <pds/interp.h>

/* The in-memory object builder the tests use (one code section, a symbol, a license). */
#include "loader/tests/util_elf.c"

#define FUZZ_BUDGET 20000

static int fuzz_helper(void *ctx, struct pds_ldr_vm *vm, const struct pds_ldr_helper_call *c,
		       uint64_t *r0)
{
	uint64_t *state = ctx;
	uint64_t addr;
	uint8_t buf[16];

	*state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
	*r0 = c->args[0] ^ (*state >> 7);
	/* Exercise the memory API the way helpers do. */
	if (pds_ldr_vm_read(vm, c->args[1], buf, 8) == 0)
		pds_ldr_vm_write(vm, c->args[1], buf, 8);
	if ((*state & 7) == 0 && pds_ldr_vm_alloc(vm, c->args[2] & 0xfff, &addr) == 0)
		*r0 = addr;
	else if ((*state & 7) == 1)
		pds_ldr_vm_release(vm, c->args[0]);
	return (*state & 0xff) == 0xff;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pds_chk_open_opts oo = {.sz = sizeof(oo)};
	struct pds_ldr_vm_opts vo = {.sz = sizeof(vo), .arena_size = 4096, .helper = fuzz_helper};
	struct pds_t_elf_spec sp = {0};
	struct pds_chk_obj *obj = NULL;
	struct pds_insn *insns;
	uint64_t state = size;
	uint8_t *img;
	size_t len;

	if (size < 9)
		return 0;
	sp.profile = data[0] & 1 ? PDS_CHK_PROFILE_KERNEL : PDS_CHK_PROFILE_PQUIC;
	sp.ninsns = (size - 1) / 8;
	insns = malloc(sp.ninsns * sizeof(*insns));
	if (!insns)
		return 0;
	memcpy(insns, data + 1, sp.ninsns * 8);
	sp.insns = insns;
	oo.profile = sp.profile;
	vo.helper_ctx = &state;
	if (pds_t_elf_build(&sp, &img, &len) == 0) {
		if (pds_chk_obj_open_mem(img, len, "fuzz.o", &oo, &obj) == 0) {
			for (size_t i = 0; i < pds_chk_obj_prog_count(obj); i++) {
				struct pds_ldr_vm *vm = NULL;
				struct pds_ldr_run run;

				if (pds_ldr_vm_new(pds_chk_obj_prog(obj, i), sp.profile, &vo, &vm))
					continue;
				pds_ldr_vm_run(vm, PDS_LDR_VM_ARENA_BASE, FUZZ_BUDGET, &run);
				pds_ldr_vm_free(vm);
			}
			pds_chk_obj_free(obj);
		}
		free(img);
	}
	free(insns);
	return 0;
}
