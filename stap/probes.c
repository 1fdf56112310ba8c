/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * probes.c - the table of probe families, and matching points to them.
 *
 * Each family is a file, pf_NAME.c, exporting one Family (stap.h): its
 * forms (components, whether each takes a parameter, a checker), the
 * context it offers and its registration.  Families that other pieces
 * of work bring (user-space probes, tapset aliases) parse and resolve to
 * a descriptor here, then stop with a clear "not supported yet" naming
 * the family.  Adding a family is adding a file and a line to families[].
 */
#include <string.h>

#include "stap.h"

/* Kernel probes are modules: the user runtime cannot take them. */
bool family_needs_kernel(const ProbePoint *pp)
{
	Buf b = { 0 };

	if (!strcmp(S->runtime, "kernel"))
		return true;
	print_point(&b, pp);
	sem_error(pp->tok, "probe point '%s' needs the kernel runtime "
		  "(--runtime=kernel)", b.s);
	buf_free(&b);
	return false;
}

/* A family this translator does not build: any point under ROOT stops
 * at "not supported yet", where docs/language.md lists the families
 * there are. */
#define UNSUPPORTED(id, root, what)					\
	static const Family id;						\
	static const Form id##_forms[] = {				\
		{ .family = &id, .parts = { { root, '*' } } }, { 0 },	\
	};								\
	static const Family id = {					\
		.name = what, .forms = id##_forms, .open_tail = true,	\
		.unsupported = "docs/language.md lists the probe families"	\
			       " there are" }

UNSUPPORTED(hrtimer, "hrtimer", "hrtimer");
/* process("PATH"|PID).function/statement are pf_process.c's, .mark
 * pf_mark.c's, the .begin/.end points pf_pbegin.c's, .plt and
 * .library() pf_plt.c's. */
UNSUPPORTED(process, "process", "user-space process");
UNSUPPORTED(java, "java", "java");
UNSUPPORTED(python2, "python2", "python");
UNSUPPORTED(python3, "python3", "python");
UNSUPPORTED(input, "input", "input");

/* The families, in the order a point is matched and a wildcard expanded.
 * kernel, module, kprobe, perf and procfs come before the families not
 * built yet: a point that fits none of their forms is told what does not
 * fit. */
const Family *const families[] = {
	&pf_session, &pf_timer, &pf_kprobe, &pf_module, &pf_perf, &pf_procfs,
	&pf_kfunc, &pf_ktrace, &pf_netfilter, &pf_hwbkpt, &pf_process, &pf_mark,
	&pf_pbegin, &pf_plt,
	&hrtimer, &process, &java, &python2, &python3, &input,
	NULL,
};

/*
 * Roots of SystemTap's alias tapsets that stap/tapset does not define
 * (yet): a point under one says so.  A root the library defines is
 * found through its aliases first (resolve.c, alias.c), and a name under
 * it that no alias has gets the names there are: so this list only
 * needs the roots missing from the library.
 */
static const char *const tapset_roots[] = {
	"nd_syscall_any", "tcp", "udp", "socket", "netdev", "nfs", "sunrpc",
	"scsi", "tty", "ipmib", "tcpmib", "linuxmib", "memory", "generic",
	"sock", "nfs3", "nfs4", "kernel_nfs", "stap", "rpc",
	NULL,
};

static const Form no_forms[] = { { 0 } };
static const Family tapset_family = {
	.name = "tapset alias", .forms = no_forms,
	.unsupported = "SystemTap's library has these aliases; stap/tapset"
	" does not define them yet",
};
static const Form tapset_form = { .family = &tapset_family };

/* The unsupported family a wildcard's root PATTERN names ("syscall" of
 * syscall.*), or NULL: said instead of "matches nothing". */
const Family *family_unsupported(const char *pattern)
{
	const Family *const *f;
	int i;

	for (i = 0; tapset_roots[i]; i++)
		if (glob_match(pattern, tapset_roots[i]))
			return &tapset_family;
	for (f = families; *f; f++)
		if ((*f)->unsupported && glob_match(pattern,
					      (*f)->forms[0].parts[0].name))
			return *f;
	return NULL;
}

bool family_root(const char *name)
{
	const Family *const *f;
	const Form *fm;

	for (f = families; *f; f++)
		for (fm = (*f)->forms; fm->family; fm++)
			if (!strcmp(fm->parts[0].name, name))
				return true;
	return str_in(name, tapset_roots);
}

static bool param_fits(char want, const Component *c)
{
	switch (want) {
	case 0:
		return !c->has_param;
	case 'N':
		return c->param && c->param->kind == N_NUM;
	case 'S':
		return c->param && c->param->kind == N_STR;
	case '?':
		return !c->has_param || c->param->kind == N_NUM;
	default:
		return true;
	}
}

/* How many leading components of PP have the names of form F. */
static int names_fit(const Form *f, const ProbePoint *pp)
{
	int i;

	for (i = 0; i < 4 && f->parts[i].name && i < pp->comps.len; i++)
		if (strcmp(pp->comps.v[i].name, f->parts[i].name))
			break;
	return i;
}

static int form_len(const Form *f)
{
	int n = 0;

	while (n < 4 && f->parts[n].name)
		n++;
	return n;
}

static const char *param_problem(char want, const Component *c)
{
	switch (want) {
	case 0:
		return arena_printf("'%s' takes no parameter", c->name);
	case 'S':
		return arena_printf("'%s' needs a string parameter", c->name);
	case '?':
		return arena_printf("'%s' takes only a number parameter",
				    c->name);
	default:
		return arena_printf("'%s' needs a number parameter", c->name);
	}
}

/* The form whose leading component names PP has most of (the first of
 * them); their number in *FIT. */
static const Form *closest_form(const ProbePoint *pp, int *fit)
{
	const Family *const *f;
	const Form *fm, *best = NULL;

	*fit = 0;
	for (f = families; *f; f++)
		for (fm = (*f)->forms; fm->family; fm++)
			if (names_fit(fm, pp) > *fit) {
				best = fm;
				*fit = names_fit(fm, pp);
			}
	return best;
}

/* Why the point fits no form, judged against the closest form. */
static const char *mismatch_reason(const ProbePoint *pp,
				   const Component **where)
{
	int best_fit, k;
	const Form *best = closest_form(pp, &best_fit);

	*where = &pp->comps.v[0];
	if (!best)
		return NULL;
	for (k = 0; k < best_fit; k++)
		if (!param_fits(best->parts[k].param, &pp->comps.v[k])) {
			*where = &pp->comps.v[k];
			return param_problem(best->parts[k].param, *where);
		}
	if (best_fit < pp->comps.len) {
		*where = &pp->comps.v[best_fit];
		return arena_printf("'%s' is not valid here", (*where)->name);
	}
	*where = &pp->comps.v[pp->comps.len - 1];
	return arena_printf("it is incomplete after '%s'", (*where)->name);
}

/* Does concrete point PP have form F? */
static bool form_fits(const Form *f, const ProbePoint *pp)
{
	int len = form_len(f), k;

	if (names_fit(f, pp) != len ||
	    !(len == pp->comps.len || f->family->open_tail))
		return false;
	for (k = 0; k < len; k++)
		if (!param_fits(f->parts[k].param, &pp->comps.v[k]))
			return false;
	return true;
}

const Form *family_match(const ProbePoint *pp, const char **why,
			 const Component **where)
{
	const Family *const *f;
	const Form *fm;

	*why = NULL;
	*where = &pp->comps.v[0];
	if (str_in(pp->comps.v[0].name, tapset_roots))
		return &tapset_form;
	for (f = families; *f; f++)
		for (fm = (*f)->forms; fm->family; fm++)
			if (form_fits(fm, pp))
				return fm;
	*why = mismatch_reason(pp, where);
	return NULL;
}

/* Does the wildcard point PP (names are patterns) stand for form F? */
static bool form_glob_fits(const Form *f, const ProbePoint *pp)
{
	int k;

	if (f->family->open_tail || form_len(f) != pp->comps.len)
		return false;
	for (k = 0; k < pp->comps.len; k++)
		if (!glob_match(pp->comps.v[k].name, f->parts[k].name) ||
		    !param_fits(f->parts[k].param, &pp->comps.v[k]))
			return false;
	return true;
}

/* The concrete points of the families that a wildcard matches. */
void family_expand(const ProbePoint *pp, PointVec *out)
{
	const Family *const *f;
	const Form *fm;
	int k;

	for (f = families; *f; f++)
		for (fm = (*f)->forms; fm->family; fm++) {
			ProbePoint *np;

			if (!form_glob_fits(fm, pp))
				continue;
			np = NEW(ProbePoint);
			*np = *pp;
			np->comps.v = NULL;
			np->comps.len = np->comps.cap = 0;
			for (k = 0; k < pp->comps.len; k++) {
				Component c = pp->comps.v[k];

				c.name = fm->parts[k].name;
				vec_push(&np->comps, c);
			}
			vec_push(out, np);
		}
}
