// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the BTF line info reader (btf_lines.c).
 *
 * The input is "u16 length of .BTF, .BTF, .BTF.ext" so that mutations land in
 * BTF rather than in ELF headers; around it stands a fixed view with three
 * code sections (.text, socket, xdp) that line info may name.
 */
#include <elf.h>
#include <stddef.h>
#include <stdint.h>

#include "bpf/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { S_NULL, S_TEXT, S_SOCKET, S_XDP, S_BTF, S_BTF_EXT, S_COUNT };

static const uint8_t code[512];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pds_elf_sec secs[S_COUNT] = {
		[S_TEXT] = {".text", S_TEXT, SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, code,
			    sizeof(code), 0, 0, 0},
		[S_SOCKET] = {"socket", S_SOCKET, SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, code,
			      sizeof(code), 0, 0, 0},
		[S_XDP] = {"xdp", S_XDP, SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, code, 128, 0, 0,
			   0},
		[S_BTF] = {".BTF", S_BTF, SHT_PROGBITS, 0, NULL, 0, 0, 0, 0},
		[S_BTF_EXT] = {".BTF.ext", S_BTF_EXT, SHT_PROGBITS, 0, NULL, 0, 0, 0, 0},
	};
	struct pds_elf e = {.path = "fuzz.o",
			    .image = data,
			    .size = size,
			    .machine = EM_BPF,
			    .secs = secs,
			    .nsecs = S_COUNT};
	struct pds_linetab t = {0};
	size_t btf_len;

	secs[S_NULL].name = "";
	if (size < 2)
		return 0;
	btf_len = (size_t)data[0] | (size_t)data[1] << 8;
	if (btf_len > size - 2)
		return 0;
	secs[S_BTF].data = data + 2;
	secs[S_BTF].size = btf_len;
	secs[S_BTF_EXT].data = data + 2 + btf_len;
	secs[S_BTF_EXT].size = size - 2 - btf_len;
	if (pds_btf_lines(&e, &t, NULL) == 0) {
		pds_linetab_sort(&t);
		for (uint64_t off = 0; off < sizeof(code); off += 8)
			(void)pds_linetab_find(&t, S_SOCKET, off);
	}
	pds_linetab_free(&t);
	return 0;
}
