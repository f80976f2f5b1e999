// SPDX-License-Identifier: MIT
/* Graphviz DOT of a program's CFG, loops and their bounds marked (pds-check --cfg). */
#include <inttypes.h>
#include <string.h>

#include "bpf/analysis_int.h"

static void dot_escape(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', out);
		if (*s == '\n')
			fputs("\\l", out);
		else
			fputc(*s, out);
	}
}

static const struct pds_chk_loop_report *loop_at(const struct pds_chk_term_report *r, uint32_t slot)
{
	for (size_t i = 0; r && i < r->nloops; i++)
		if (r->loops[i].header == slot)
			return &r->loops[i];
	return NULL;
}

static void dot_block(const struct pds_cfg *cfg, uint32_t b, const struct pds_chk_term_report *r,
		      FILE *out)
{
	const struct pds_block *blk = &cfg->blocks[b];
	const struct pds_chk_loop_report *l = loop_at(r, blk->first);
	char text[256];

	fprintf(out, "  b%u [label=\"", b);
	if (l) {
		fprintf(out, "loop head, depth %u: %s", l->depth, pds_chk_verdict_name(l->verdict));
		if (l->max_iter != UINT64_MAX)
			fprintf(out, ", <= %" PRIu64 " iterations", l->max_iter);
		if (l->iter_formula) {
			fputs(" (", out);
			dot_escape(out, l->iter_formula);
			fputc(')', out);
		}
		fputs("\\l", out);
	}
	for (uint32_t i = blk->first; i <= blk->last; i++) {
		pds_chk_insn_text(cfg->prog, i, text, sizeof(text));
		fprintf(out, "%u: ", i);
		dot_escape(out, text);
		fputs("\\l", out);
		if (pds_insn_is_lddw(&cfg->prog->insns[i]))
			i++;
	}
	fputc('"', out);
	if (l)
		fprintf(out, ", style=filled, fillcolor=\"%s\"",
			l->verdict <= PDS_VERDICT_PROVEN	    ? "#d8f0d8"
			: l->verdict == PDS_VERDICT_PROVEN_ASSUMING ? "#f0f0c0"
								    : "#f4c8c8");
	else if (blk->loop >= 0)
		fputs(", style=filled, fillcolor=\"#eeeeee\"", out);
	fputs("];\n", out);
}

static void dot_edges(const struct pds_cfg *cfg, uint32_t b, FILE *out)
{
	const struct pds_block *blk = &cfg->blocks[b];

	for (int s = 0; s < blk->nsucc; s++) {
		uint32_t t = blk->succ[s];
		bool back = pds_cfg_dominates(cfg, t, b);

		fprintf(out, "  b%u -> b%u [", b, t);
		if (blk->nsucc == 2)
			fprintf(out, "label=\"%s\"%s", s ? "taken" : "fall", back ? ", " : "");
		if (back)
			fputs("style=dashed, color=blue", out);
		fputs("];\n", out);
	}
}

PDS_API int pds_chk_cfg_dot(const struct pds_chk_prog *prog, const struct pds_chk_term_report *r,
			    FILE *out)
{
	struct pds_cfg cfg;
	int err = pds_cfg_build(prog, &cfg);

	if (err)
		return err;
	fprintf(out, "digraph \"%s\" {\n  node [shape=box, fontname=monospace, fontsize=10];\n",
		prog->name);
	for (uint32_t f = 0; f < cfg.nfuncs; f++) {
		fprintf(out, " subgraph \"cluster_%u\" {\n  label=\"%s\";\n", f,
			prog->sub_names ? prog->sub_names[f] : prog->name);
		for (uint32_t i = 0; i < cfg.funcs[f].norder; i++)
			dot_block(&cfg, cfg.funcs[f].order[i], r, out);
		fputs(" }\n", out);
	}
	for (uint32_t b = 0; b < cfg.nblocks; b++)
		if (cfg.blocks[b].reachable)
			dot_edges(&cfg, b, out);
	fputs("}\n", out);
	pds_cfg_free(&cfg);
	return ferror(out) ? PDS_CHK_E_IO : 0;
}
