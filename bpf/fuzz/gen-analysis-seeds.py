#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes the seed programs of fuzz_analysis into bpf/fuzz/corpus/fuzz_analysis/.

Each seed is raw 8-byte instruction slots (code, dst | src << 4, off, imm, little
endian).  In the PQUIC profile the fuzz target names each call by its immediate
modulo 16: 0 get_cnx, 1 get_pkt, 10 picoquic_current_time (see fuzz_analysis.c).
Run from the top of the tree; the output is committed."""
import os
import struct

OUT = "bpf/fuzz/corpus/fuzz_analysis"


def insn(code, dst=0, src=0, off=0, imm=0):
    return struct.pack("<BBhi", code, dst | src << 4, off, imm)


MOV = lambda d, i: insn(0xB7, d, imm=i)
MOVR = lambda d, s: insn(0xBF, d, s)
ADD = lambda d, i: insn(0x07, d, imm=i)
ADDR = lambda d, s: insn(0x0F, d, s)
SUB = lambda d, i: insn(0x17, d, imm=i)
JLT = lambda d, i, o: insn(0xA5, d, off=o, imm=i)
JEQ = lambda d, i, o: insn(0x15, d, off=o, imm=i)
JGT = lambda d, i, o: insn(0x25, d, off=o, imm=i)
# 0x3D: if dst >= src (unsigned) goto
JA = lambda o: insn(0x05, off=o)
CALL = lambda i, src=0: insn(0x85, src=src, imm=i)
EXIT = insn(0x95)

SEEDS = {
    # r1 counts 0..9
    "counted_loop": [MOV(0, 0), MOV(1, 0), ADDR(0, 1), ADD(1, 1), JLT(1, 10, -3), EXIT],
    # 7 outer iterations of 5 inner ones
    "nested_loops": [MOV(0, 0), MOV(1, 0), MOV(2, 0), ADD(0, 1), ADD(2, 1), JLT(2, 5, -3),
                     ADD(1, 1), JLT(1, 7, -6), EXIT],
    # p = input; while (p) p = get_pkt(p, AK_PKT_NEXT_PACKET)
    "list_walk": [MOVR(6, 1), JEQ(6, 0, 5), MOVR(1, 6), MOV(2, 1), CALL(1), MOVR(6, 0),
                  JA(-6), MOV(0, 0), EXIT],
    # n = get_cnx(cnx, AK_CNX_INPUT, 1); while (n) n--
    "input_loop": [MOV(2, 0), MOV(3, 1), CALL(0), MOVR(1, 0), JEQ(1, 0, 2), SUB(1, 1),
                   JA(-3), MOV(0, 0), EXIT],
    # n = get_cnx(cnx, AK_CNX_NB_PATHS, 0); for (i = 0; i < n; i++)
    "nb_paths_loop": [MOV(2, 0x2D), MOV(3, 0), CALL(0), MOV(6, 0), insn(0x3D, 6, 0, 2),
                      ADD(6, 1), JA(-3), MOV(0, 0), EXIT],
    # while (1) r0++
    "endless": [MOV(0, 0), ADD(0, 1), JA(-2), EXIT],
    # a cycle entered in its middle, then a nested loop
    "irreducible_then_nested": [MOV(0, 0), JGT(1, 0, 1), ADD(0, 1), ADD(0, 2), JLT(0, 100, -3),
                                MOV(1, 0), MOV(2, 0), ADD(2, 1), JLT(2, 3, -2), ADD(1, 1),
                                JLT(1, 4, -5), EXIT],
    # lddw and straight-line code
    "lddw_straight": [insn(0x18, 1, imm=0x12345678), insn(0, imm=1), MOVR(0, 1), ADD(0, 3),
                      EXIT],
    # kernel: BPF-to-BPF call of a subprogram with a loop (src 1 = pseudo call)
    "subprog_loop": [MOV(1, 5), CALL(1, src=1), EXIT, MOV(0, 0), ADD(0, 1), JLT(0, 5, -2),
                     EXIT],
    # while (picoquic_current_time() < deadline)
    "time_loop": [CALL(10), JLT(0, 1000, -2), MOV(0, 0), EXIT],
}


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, prog in SEEDS.items():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(b"".join(prog))


if __name__ == "__main__":
    main()
