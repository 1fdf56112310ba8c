/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * alias.c - the probe aliases of the script and of the tapset library,
 * found by name as SystemTap finds them.
 *
 * The aliases hang in a tree of their names' components:
 *
 *   syscall -+- open --- return
 *            +- read --- return
 *
 * A point descends from the root as far as its components name children
 * (a component with a parameter names none: alias names have none).
 * Where it stops, the aliases of that node apply, and what is left of
 * the point is a suffix their targets take ("syscall.open" + ".return"
 * when there is no syscall.open.return); a node without aliases (a
 * prefix of longer names only) matches nothing.  A wildcard component
 * visits every child it matches, "**" one or more components; a
 * wildcard that matches no child at all makes the rest a suffix, as
 * above.  Every alias of a node applies, in the order they were given.
 *
 * A lookup costs the depth of the point, a wildcard the children it
 * visits: never the number of aliases (the syscall tapset has ~1,400).
 */
#include <string.h>

#include "stap.h"

typedef struct AliasNode AliasNode;
struct AliasNode {
	const char *name;	/* the component */
	AliasNode *parent;	/* NULL at the root */
	int depth;		/* components from the root */
	Table kids;		/* name -> AliasNode */
	VEC(AliasNode *) order;	/* the kids, in the order they came */
	VEC(Alias *) aliases;	/* the aliases this path names */
	bool library;		/* an alias here or below is the library's */
};

static AliasNode root;

void alias_reset(void)
{
	memset(&root, 0, sizeof(root));
}

void alias_add(Alias *a)
{
	AliasNode *n = &root;
	int i;

	for (i = 0; i < a->name->comps.len; i++) {
		const char *name = a->name->comps.v[i].name;
		AliasNode *k = table_get(&n->kids, name);

		if (!k) {
			k = NEW(AliasNode);
			k->name = name;
			k->parent = n;
			k->depth = n->depth + 1;
			table_put(&n->kids, name, k);
			vec_push(&n->order, k);
		}
		if (a->file && a->file->src->tapset)
			k->library = true;
		n = k;
	}
	vec_push(&n->aliases, a);
}

/* ---- matching ---- */

typedef struct Walk {
	const ProbePoint *pp;
	AliasMatches *out;
	Table seen;		/* "alias/rest": two '**' may reach one twice */
} Walk;

/* The point NODE's path names, then PP's components from REST on. */
static ProbePoint *matched_point(const AliasNode *node, const ProbePoint *pp,
				 int rest)
{
	ProbePoint *np = NEW(ProbePoint);
	const AliasNode *n;
	int k, len = node->depth + pp->comps.len - rest;

	*np = *pp;
	np->comps.v = arena_zalloc(sizeof(Component) * (size_t)len);
	np->comps.len = np->comps.cap = len;
	for (n = node; n->parent; n = n->parent) {
		/* A name a wildcard stood for keeps the wildcard's token. */
		int at = n->depth - 1 < rest ? n->depth - 1 : rest - 1;
		Component *c = &np->comps.v[n->depth - 1];

		*c = pp->comps.v[at];
		c->name = n->name;
		c->param = NULL;
		c->has_param = false;
	}
	for (k = rest; k < pp->comps.len; k++)
		np->comps.v[node->depth + k - rest] = pp->comps.v[k];
	return np;
}

/* The aliases of NODE, the rest of the point from REST on a suffix. */
static int take(Walk *w, AliasNode *node, int rest)
{
	int i, n = 0;

	for (i = 0; i < node->aliases.len; i++) {
		Alias *a = node->aliases.v[i];
		const char *key = arena_printf("%p/%d", (void *)a, rest);
		AliasMatch m;

		if (table_get(&w->seen, key))
			continue;
		table_put(&w->seen, key, a);
		m.alias = a;
		m.point = matched_point(node, w->pp, rest);
		m.used = node->depth;
		m.suffix = rest < w->pp->comps.len;
		vec_push(w->out, m);
		n++;
	}
	return n;
}

static int walk(Walk *w, AliasNode *n, int pos);

/* '**' at POS stands for NODE's child K and maybe more after it. */
static int walk_double(Walk *w, AliasNode *n, int pos)
{
	int i, found = 0;

	for (i = 0; i < n->order.len; i++) {
		found += walk(w, n->order.v[i], pos + 1);
		found += walk_double(w, n->order.v[i], pos);
	}
	return found;
}

static int walk(Walk *w, AliasNode *n, int pos)
{
	const Component *c;
	AliasNode *k;
	bool any = false;
	int i, found = 0;

	if (pos == w->pp->comps.len)
		return take(w, n, pos);
	c = &w->pp->comps.v[pos];
	if (c->has_param) {
		/* names no child */
	} else if (!strcmp(c->name, "**")) {
		any = n->order.len > 0;
		found = walk_double(w, n, pos);
	} else if (is_glob(c->name)) {
		for (i = 0; i < n->order.len; i++) {
			k = n->order.v[i];
			if (glob_match(c->name, k->name)) {
				any = true;
				found += walk(w, k, pos + 1);
			}
		}
	} else if ((k = table_get(&n->kids, c->name))) {
		any = true;
		found = walk(w, k, pos + 1);
	}
	if (!any && n != &root)
		found += take(w, n, pos);
	return found;
}

int alias_match(const ProbePoint *pp, AliasMatches *out)
{
	Walk w = { .pp = pp, .out = out };

	return walk(&w, &root, 0);
}

/* ---- names ---- */

bool alias_root(const char *pattern)
{
	int i;

	if (!is_glob(pattern))
		return table_get(&root.kids, pattern) != NULL;
	for (i = 0; i < root.order.len; i++)
		if (glob_match(pattern, root.order.v[i]->name))
			return true;
	return false;
}

static const char *node_path(const AliasNode *n)
{
	if (!n->parent || !n->parent->parent)
		return n->name;
	return arena_printf("%s.%s", node_path(n->parent), n->name);
}

typedef VEC(const char *) Names;

/* Every alias name at or under N. */
static void names_under(const AliasNode *n, Names *names)
{
	int i;

	if (n->aliases.len)
		vec_push(names, node_path(n));
	for (i = 0; i < n->order.len; i++)
		names_under(n->order.v[i], names);
}

/* " (longer names: a.b.c, a.b.d)", the first five of NAMES. */
static const char *longer_names(const Names *names)
{
	Buf b = { 0 };
	const char *s;
	int i;

	if (!names->len)
		return "";
	buf_puts(&b, " (longer names: ");
	for (i = 0; i < names->len && i < 5; i++)
		buf_printf(&b, "%s%s", i ? ", " : "", names->v[i]);
	buf_puts(&b, i < names->len ? ", ...)" : ")");
	s = arena_strdup(b.s);
	buf_free(&b);
	return s;
}

/*
 * Why concrete point PP, whose first component names aliases, matches
 * none: "no alias 'syscall.opne' in the tapset library (similar:
 * syscall.open)", said at *WHERE, the first component no alias has.
 * NULL when no alias begins with PP's first component.
 */
const char *alias_missing(const ProbePoint *pp, const Component **where)
{
	const AliasNode *n = &root, *k;
	Names names = { 0 };
	const char *name, *hint;
	Buf b = { 0 };
	int i;

	for (i = 0; i < pp->comps.len && !pp->comps.v[i].has_param; i++) {
		k = table_get(&n->kids, pp->comps.v[i].name);
		if (!k)
			break;
		n = k;
	}
	if (n == &root)
		return NULL;
	*where = &pp->comps.v[i < pp->comps.len ? i : pp->comps.len - 1];
	for (k = n; k->parent->parent; k = k->parent)
		;
	print_point(&b, pp);
	name = arena_strdup(b.s);
	buf_free(&b);
	if (i == pp->comps.len) {
		/* only a prefix of longer names: say which */
		names_under(n, &names);
		hint = longer_names(&names);
	} else {
		names_under(k, &names);
		hint = closest_names(name, names.v, names.len);
	}
	return arena_printf("no %s '%s'%s%s", k->library ? "alias" :
			    "probe alias", name, k->library ?
			    " in the tapset library" : "", hint);
}
