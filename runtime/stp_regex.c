/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * stp_regex.c - the Pike VM that runs the translator's regular expression
 * programs (stp_regex.h).  Probe context: no allocation, no recursion;
 * every loop is bounded by the program length (STP_RE_MAXPROG) or the
 * subject's (MAXSTRINGLEN).  The stack holds a few scalars and two
 * 20-slot group arrays (under 200 bytes); the rest is struct stp_re_work.
 */
#include "stp_regex.h"

/*
 * Add the thread at PC0, with the groups CAP, to the list L of position
 * SP of a subject of LEN bytes: follow its jumps, splits, saves and
 * anchors in priority order, depth first, with the explicit stack
 * w->todo (a save pushes the restore of its slot, so CAP is unchanged
 * when this returns).  An instruction already on L (mark == GEN) is not
 * taken again: one visit per instruction, at most two pushes per visit,
 * so the stack never holds more than 1 + 2 * len(prog) entries and L
 * more than len(prog) threads.
 */
static int re_add(const struct stp_regex *re, struct stp_re_work *w,
		  struct stp_re_list *l, int pc0, stp_re_pos *cap, int ncap,
		  int sp, int len, int gen)
{
	struct stp_re_todo *todo = w->todo;
	struct stp_re_thread *t;
	const struct stp_re_insn *in;
	int top = 0, pc;

	todo[top++].pc = (int16_t)pc0;
	while (top > 0) {
		top--;
		pc = todo[top].pc;
		if (pc < 0) {
			cap[-pc - 1] = todo[top].val;
			continue;
		}
		if (pc >= re->len)
			return -1;
		if (w->mark[pc] == gen)
			continue;
		w->mark[pc] = gen;
		in = &re->prog[pc];
		switch (in->op) {
		case STP_RE_JMP:
			todo[top++].pc = (int16_t)in->x;
			break;
		case STP_RE_SPLIT:
			todo[top++].pc = (int16_t)in->y;
			todo[top++].pc = (int16_t)in->x;
			break;
		case STP_RE_SAVE:
			if (in->arg < ncap) {
				todo[top].pc = (int16_t)(-(int)in->arg - 1);
				todo[top++].val = cap[in->arg];
				cap[in->arg] = (stp_re_pos)sp;
			}
			todo[top++].pc = (int16_t)(pc + 1);
			break;
		case STP_RE_BOL:
			if (sp == 0)
				todo[top++].pc = (int16_t)(pc + 1);
			break;
		case STP_RE_EOL:
			if (sp == len)
				todo[top++].pc = (int16_t)(pc + 1);
			break;
		default:		/* CHAR, ANY, CLASS, MATCH wait on L */
			t = &l->t[l->n++];
			t->pc = (uint16_t)pc;
			memcpy(t->cap, cap, sizeof(*cap) * ncap);
			break;
		}
	}
	return 0;
}

static bool re_step(const struct stp_regex *re,
		    const struct stp_re_insn *in, int c)
{
	switch (in->op) {
	case STP_RE_CHAR:
		return c == in->arg;
	case STP_RE_ANY:
		return true;
	default:		/* STP_RE_CLASS */
		return (re->classes[in->x][c >> 3] >> (c & 7)) & 1;
	}
}

int stp_regex_exec(const struct stp_regex *re, const char *s,
		   struct stp_re_work *w, int *start, int *end)
{
	struct stp_re_list *cl = &w->list[0], *nl = &w->list[1], *l;
	stp_re_pos cap[2 * STP_RE_NGROUPS], best[2 * STP_RE_NGROUPS];
	int ncap, len, sp, i, g, matched = 0;

	if (!re->prog || re->len < 1 || re->len > STP_RE_MAXPROG ||
	    re->ngroups < 1 || re->ngroups > STP_RE_NGROUPS ||
	    re->prog[0].op != STP_RE_SAVE || re->prog[0].arg != 0)
		return -1;
	ncap = 2 * re->ngroups;
	len = (int)strnlen(s, MAXSTRINGLEN - 1);
	for (i = 0; i < re->len; i++)
		w->mark[i] = 0;
	cl->n = 0;
	/* The list for position sp is marked sp + 1. */
	for (sp = 0; sp <= len; sp++) {
		int c = (unsigned char)s[sp];

		/* A thread from here on, with the lowest priority: the
		 * list stays ordered by where its threads started. */
		if (!matched) {
			for (i = 0; i < ncap; i++)
				cap[i] = -1;
			if (re_add(re, w, cl, 0, cap, ncap, sp, len, sp + 1))
				return -1;
		}
		nl->n = 0;
		for (i = 0; i < cl->n; i++) {
			const struct stp_re_thread *t = &cl->t[i];
			const struct stp_re_insn *in = &re->prog[t->pc];

			/* Once a match is known, later starts lose. */
			if (matched && t->cap[0] > best[0])
				continue;
			if (in->op == STP_RE_MATCH) {
				/* Leftmost, then longest; ties to priority. */
				if (!matched || t->cap[0] < best[0] ||
				    t->cap[1] > best[1]) {
					memcpy(best, t->cap,
					       sizeof(*best) * ncap);
					matched = 1;
				}
				continue;
			}
			if (in->op > STP_RE_CLASS ||
			    (in->op == STP_RE_CLASS && !re->classes))
				return -1;
			if (sp == len || !re_step(re, in, c))
				continue;
			memcpy(cap, t->cap, sizeof(*cap) * ncap);
			if (re_add(re, w, nl, t->pc + 1, cap, ncap, sp + 1, len,
				   sp + 2))
				return -1;
		}
		l = cl;
		cl = nl;
		nl = l;
		if (matched && !cl->n)
			break;
	}
	if (!matched)
		return 0;
	for (g = 0; g < STP_RE_NGROUPS; g++) {
		start[g] = end[g] = -1;
		if (g < re->ngroups && best[2 * g] >= 0 &&
		    best[2 * g + 1] >= 0) {
			start[g] = best[2 * g];
			end[g] = best[2 * g + 1];
		}
	}
	return 1;
}
