// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the DWARF line-table reader (dwarf.c).
 *
 * The input is the debug sections of an object, framed so that mutations land
 * in DWARF rather than in ELF headers the ELF view would refuse first:
 *   u16 length of .debug_line, u8 number of 16-byte Elf64_Rel entries,
 *   .debug_line, the relocations, and the rest as .debug_line_str (also used as
 *   .debug_str).
 * Around it stands a fixed view: a code section .text, a symbol table whose
 * symbol 1 is .text's section symbol and symbol 2 .debug_line_str's, so that
 * relocated addresses and string offsets are exercised too.
 */
#include <elf.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "bpf/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { S_NULL, S_TEXT, S_LINE, S_LINE_STR, S_STR, S_REL, S_SYMTAB, S_COUNT };

static const uint8_t code[512];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pds_elf_sec secs[S_COUNT] = {
		[S_TEXT] = {".text", S_TEXT, SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, code,
			    sizeof(code), 0, 0, 0},
		[S_LINE] = {".debug_line", S_LINE, SHT_PROGBITS, 0, NULL, 0, 0, 0, 0},
		[S_LINE_STR] = {".debug_line_str", S_LINE_STR, SHT_PROGBITS, 0, NULL, 0, 0, 0, 1},
		[S_STR] = {".debug_str", S_STR, SHT_PROGBITS, 0, NULL, 0, 0, 0, 1},
		[S_REL] = {".rel.debug_line", S_REL, SHT_REL, 0, NULL, 0, S_SYMTAB, S_LINE,
			   sizeof(Elf64_Rel)},
		[S_SYMTAB] = {".symtab", S_SYMTAB, SHT_SYMTAB, 0, NULL, 0, 0, 0, sizeof(Elf64_Sym)},
	};
	struct pds_elf_sym syms[] = {
		{"", 0, 0, 0, 0, 0},
		{"", 0, 0, S_TEXT, STT_SECTION, STB_LOCAL},
		{"", 0, 0, S_LINE_STR, STT_SECTION, STB_LOCAL},
	};
	struct pds_elf e = {.path = "fuzz.o",
			    .image = data,
			    .size = size,
			    .machine = EM_BPF,
			    .secs = secs,
			    .nsecs = S_COUNT,
			    .syms = syms,
			    .nsyms = 3,
			    .symtab_idx = S_SYMTAB};
	struct pds_linetab t = {0};
	size_t line_len, rel_len;

	secs[S_NULL].name = "";
	if (size < 3)
		return 0;
	line_len = (size_t)data[0] | (size_t)data[1] << 8;
	rel_len = (size_t)data[2] * sizeof(Elf64_Rel);
	data += 3;
	size -= 3;
	if (line_len > size || rel_len > size - line_len)
		return 0;
	secs[S_LINE].data = data;
	secs[S_LINE].size = line_len;
	secs[S_REL].data = data + line_len;
	secs[S_REL].size = rel_len;
	secs[S_LINE_STR].data = secs[S_STR].data = data + line_len + rel_len;
	secs[S_LINE_STR].size = secs[S_STR].size = size - line_len - rel_len;
	if (pds_dwarf_lines(&e, &t, NULL) == 0) {
		pds_linetab_sort(&t);
		for (uint64_t off = 0; off < sizeof(code); off += 8)
			(void)pds_linetab_find(&t, S_TEXT, off);
	}
	pds_linetab_free(&t);
	return 0;
}
