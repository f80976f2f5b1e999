/* SPDX-License-Identifier: MIT */
/* Instruction encoding constants and the decoded form shared by the stages. */
#ifndef PDS_BPF_INSN_H
#define PDS_BPF_INSN_H

#include <linux/bpf.h>
#include <stdint.h>

#include <pds/check.h>

/* Additions to the ISA newer than some installed kernel headers. */
#define PDS_BPF_MEMSX 0x80 /* sign-extending load mode */
#define PDS_PSEUDO_KFUNC_CALL 2
#define PDS_PSEUDO_MAP_IDX_VALUE 6

enum pds_op_kind {
	PDS_OP_INVALID = 0,
	PDS_OP_ALU, /* ALU / ALU64 binary ops and mov (sdiv/smod/movsx via off) */
	PDS_OP_NEG,
	PDS_OP_END,    /* ALU class byte swap to le/be */
	PDS_OP_BSWAP,  /* ALU64 unconditional byte swap */
	PDS_OP_LDDW,   /* 16-byte load of a 64-bit immediate */
	PDS_OP_LDX,    /* load (MEM or MEMSX) */
	PDS_OP_ST,     /* store immediate */
	PDS_OP_STX,    /* store register */
	PDS_OP_ATOMIC, /* STX | ATOMIC */
	PDS_OP_LDABS,  /* legacy packet load, absolute */
	PDS_OP_LDIND,  /* legacy packet load, indirect */
	PDS_OP_JA,     /* goto off */
	PDS_OP_JA32,   /* gotol imm */
	PDS_OP_JCOND,  /* conditional jump, JMP or JMP32 */
	PDS_OP_CALL,
	PDS_OP_EXIT,
};

struct pds_op_desc {
	uint8_t kind; /* enum pds_op_kind */
};

/* NULL when the opcode is not in the profile. */
const struct pds_op_desc *pds_decode_desc(enum pds_chk_profile p, uint8_t code);
/* The profile's 256 descriptors by opcode; kind PDS_OP_INVALID where not in it. */
const struct pds_op_desc *pds_decode_table(enum pds_chk_profile p);

static inline int pds_insn_size_bytes(uint8_t code)
{
	switch (BPF_SIZE(code)) {
	case BPF_B:
		return 1;
	case BPF_H:
		return 2;
	case BPF_W:
		return 4;
	default:
		return 8;
	}
}

static inline int pds_insn_is_lddw(const struct pds_insn *in)
{
	return in->code == (BPF_LD | BPF_IMM | BPF_DW);
}

static inline int pds_insn_is_call(const struct pds_insn *in)
{
	return in->code == (BPF_JMP | BPF_CALL);
}

#endif
