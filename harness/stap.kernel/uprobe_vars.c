/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * uprobe_vars.c - the program uprobe_vars*.stp read the target variables
 * of (kernel.exp builds it here, -g -O1, as uprobe_target): a list of
 * two nodes walked once, a struct passed by value on the stack, a string
 * and a NULL pointer.  Every value is fixed, so the tests' output is.
 */
#include <stddef.h>

struct point {
	int x, y;
};

struct node {
	int value;
	const char *name;
	struct point at;
	unsigned int flags : 3;
	struct node *next;
};

/* More than 16 bytes: passed by value in memory, on the caller's stack. */
struct box {
	long lo, hi, id;
	char tag[8];
};

/* A global and a static local: the probes find them where the process
 * mapped the binary (a PIE). */
int stp_global = 42;

__attribute__((noipa)) long stp_walk(struct node *list, const char *label,
					int scale)
{
	static int walks;
	long total = 0;
	int steps = 0;

	walks++;
	while (list) {
		steps++;
		total += (long)list->value * scale;	/* line 42 */
		list = list->next;
	}
	return total + steps;
}

__attribute__((noipa)) long stp_box(struct box b)
{
	return b.hi - b.lo + b.id;
}

__attribute__((noipa)) int stp_null(struct node *n)
{
	return n ? n->value : -1;
}

/* Everything the probes read lives on main's stack, which the program
 * has touched: a probe cannot fault a page in (its reads run with page
 * faults disabled), so a string in a page the program never read, such
 * as a literal in .rodata, would be a read fault. */
int main(void)
{
	char label[] = "two nodes", first_name[] = "first",
	     second_name[] = "second";
	struct node second = { 20, second_name, { 3, 4 }, 5, NULL };
	struct node first = { 10, first_name, { 1, 2 }, 2, &second };
	struct box b = { 100, 250, 7, "boxed" };
	volatile long sink;

	stp_global++;
	sink = stp_walk(&first, label, 3);
	sink += stp_box(b);
	sink += stp_null(NULL);
	return sink == 0;
}
