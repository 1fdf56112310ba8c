/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * target.c - target expressions resolved against the kernel's BTF, and
 * at DWARF sites (dwarf.c) against the variables in scope there.
 *
 *   $name         a parameter of the probed function, or of the tracepoint;
 *                 at a DWARF site any variable in scope
 *   $return       the value a .return probe sees
 *   $$parms       "a=0x1 b=0x2": every parameter ($$vars: with the locals
 *                 at a DWARF site, else the same; $$locals; $$return)
 *   $p->f[i]->g   members and elements, through pointers or embedded
 *   @cast(e, "type")->f   the same from any value, in functions too
 *   @entry(e)     in a .return probe: E as it was at entry
 *
 * A process probe's variables come from its binary's DWARF, their types
 * written as BTF of its own (ubtf.c), read from the process's memory.
 *
 * The result is a TExpr: a base value (an argument register, the return
 * register, a slot saved at entry, a script expression, or a DWARF
 * location turned into C) and steps that
 * emit.c turns into fault-safe reads.  In a .return probe a parameter is
 * its value at entry, as in SystemTap: the raw argument is saved in a slot
 * by the kretprobe's entry handler.
 */
#include <bpf/btf.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "stap.h"

/* What D's point offers, by its family (NULL: a function's body). */
static Context site_of(const Derived *d)
{
	Context s = { 0 };

	if (d && d->form->family->context)
		d->form->family->context(d->point, &s);
	s.ret = d && (d->form->kind == PK_KRETPROBE ||
		      d->form->kind == PK_URETPROBE);
	return s;
}

/* ---- BTF types ---- */

static const struct btf *B;

static const struct btf_type *type_at(int id)
{
	return btf__type_by_id(B, (uint32_t)id);
}

/* Through typedefs and qualifiers. */
static int strip(int id)
{
	const struct btf_type *t = type_at(id);

	while (t && (btf_is_typedef(t) || btf_is_mod(t))) {
		id = (int)t->type;
		t = type_at(id);
	}
	return id;
}

/* A forward declaration's full definition, by name. */
static int complete(int id)
{
	const struct btf_type *t = type_at(id);
	const char *name;
	int full;

	if (!t || !btf_is_fwd(t))
		return id;
	name = btf__name_by_offset(B, t->name_off);
	full = btf__find_by_name_kind(B, name, btf_kflag(t) ?
				      BTF_KIND_UNION : BTF_KIND_STRUCT);
	return full > 0 ? full : id;
}

static bool is_scalar(const struct btf_type *t)
{
	return btf_is_int(t) || btf_is_enum(t) || btf_is_ptr(t) ||
	       btf_is_enum64(t);
}

static bool is_signed(const struct btf_type *t)
{
	if (btf_is_int(t))
		return btf_int_encoding(t) & BTF_INT_SIGNED;
	return btf_is_enum(t) || btf_is_enum64(t) ? btf_kflag(t) : false;
}

static const char *type_desc(int id)
{
	const struct btf_type *t = type_at(id);
	const char *name;

	while (t && btf_is_mod(t))
		t = type_at((int)t->type);
	if (!t || btf_kind(t) == BTF_KIND_UNKN)
		return "void";
	name = btf__name_by_offset(B, t->name_off);
	if (btf_is_typedef(t))
		return name;
	if (btf_is_ptr(t))
		return arena_printf("%s *", type_desc((int)t->type));
	if (btf_is_struct(t))
		return arena_printf("struct %s", *name ? name : "<anonymous>");
	if (btf_is_union(t))
		return arena_printf("union %s", *name ? name : "<anonymous>");
	if (btf_is_array(t))
		return arena_printf("%s[]", type_desc((int)btf_array(t)->type));
	return *name ? name : "<type>";
}

/* Member NAME of struct/union ID, searching anonymous members; adds its
 * byte offset to *off and gives its type and bitfield. */
static bool find_member(int id, const char *name, int64_t *off, int *type,
			int *bit_off, int *bit_size)
{
	const struct btf_type *t = type_at(id);
	int i;

	for (i = 0; i < btf_vlen(t); i++) {
		const struct btf_member *m = btf_members(t) + i;
		const char *mn = btf__name_by_offset(B, m->name_off);
		uint32_t bits = btf_member_bit_offset(t, (uint32_t)i);
		int mt = strip((int)m->type);

		if (*mn && !strcmp(mn, name)) {
			*bit_size = (int)btf_member_bitfield_size(t, (uint32_t)i);
			*off += *bit_size ? 0 : bits / 8;
			*bit_off = *bit_size ? (int)bits : 0;
			*type = (int)m->type;
			return true;
		}
		if (!*mn && (btf_is_struct(type_at(mt)) ||
			     btf_is_union(type_at(mt)))) {
			int64_t inner = *off + bits / 8;

			if (find_member(mt, name, &inner, type, bit_off,
					bit_size)) {
				*off = inner;
				return true;
			}
		}
	}
	return false;
}

/* ---- building the steps ---- */

/* The walk: a value (in a register) or the address of an object. */
typedef struct Walk {
	TExpr *te;
	int type;
	bool addr;		/* te's value is the object's address */
	int bit_off, bit_size;
	const Token *tok;
	bool report;
	bool at_cast;		/* before @cast's first component */
} Walk;

static void step(Walk *w, TStep s)
{
	vec_push(&w->te->steps, s);
}

static bool fail(Walk *w, const char *fmt, const char *a, const char *b)
{
	if (w->report)
		sem_error(w->tok, fmt, a, b);
	return false;
}

/* Follow a pointer: its value becomes the address of what it points to. */
static bool through_pointer(Walk *w)
{
	const struct btf_type *t = type_at(strip(w->type));

	if (!btf_is_ptr(t))
		return false;
	if (w->addr)
		step(w, (TStep){ .kind = TS_DEREF, .size = 8 });
	w->type = complete(strip((int)t->type));
	w->addr = true;
	return true;
}

static bool member(Walk *w, const Comp *c)
{
	const struct btf_type *t;
	int64_t off = 0;
	int type;

	if (!through_pointer(w) && !w->addr)
		return fail(w, "'->%s' on %s, which is not a pointer",
			    c->field, type_desc(w->type));
	w->type = complete(strip(w->type));
	t = type_at(w->type);
	if (!t || !(btf_is_struct(t) || btf_is_union(t)))
		return fail(w, "'->%s' on %s, which is not a struct or union",
			    c->field, type_desc(w->type));
	if (!find_member(w->type, c->field, &off, &type, &w->bit_off,
			 &w->bit_size))
		return fail(w, "%s has no member '%s'", type_desc(w->type),
			    c->field);
	if (off)
		step(w, (TStep){ .kind = TS_ADD, .off = off });
	w->type = type;
	return true;
}

static bool element(Walk *w, const Comp *c)
{
	const struct btf_type *t = type_at(strip(w->type));
	int64_t size;

	if (w->addr && btf_is_array(t)) {
		w->type = (int)btf_array(t)->type;
	} else if (w->at_cast) {
		/* @cast(p, "T")[i]: p is a T *, as in SystemTap
		 * (types.stpm's sizeof takes &@cast(0, "T")[1]). */
	} else if (!through_pointer(w)) {
		return fail(w, "'[]' on %s, which is neither an array nor a"
			    " pointer%s", type_desc(w->type), "");
	}
	size = btf__resolve_size(B, (uint32_t)w->type);
	if (size <= 0)
		return fail(w, "'[]' on elements of unknown size (%s)%s",
			    type_desc(w->type), "");
	step(w, (TStep){ .kind = TS_INDEX, .off = size, .index = c->index });
	return true;
}

/* The last step: a scalar object is read; an aggregate is its address. */
static bool finish(Walk *w)
{
	const struct btf_type *t = type_at(strip(w->type));
	int64_t size;

	if (!t)
		return fail(w, "the value has type void%s%s", "", "");
	if (!is_scalar(t)) {
		if (!w->addr)
			return fail(w, "a %s passed by value cannot be read%s",
				    type_desc(w->type), "");
		return true;
	}
	size = btf__resolve_size(B, (uint32_t)strip(w->type));
	if (w->addr)
		step(w, (TStep){ .kind = TS_LOAD, .size = (int)size,
				 .sign = is_signed(t), .bit_off = w->bit_off,
				 .bit_size = w->bit_size });
	else if (!w->te->steps.len) {
		w->te->size = (int)size;
		w->te->sign = is_signed(t);
	}
	return true;
}

/* What the value is, for autocasts of what it is assigned to. */
static void value_type(Walk *w)
{
	const struct btf_type *t = type_at(strip(w->type));

	w->te->btf = B;
	w->te->type = w->type;
	w->te->object = w->addr && t && !is_scalar(t);
}

/* The components ->f and [i], up to (not into) the last value. */
static bool walk_comps(Walk *w, const Node *n)
{
	int i;

	for (i = 0; i < n->comps.len; i++) {
		const Comp *c = &n->comps.v[i];

		w->tok = c->tok ? c->tok : n->tok;
		if (w->bit_size)
			return fail(w, "'%s' after a bitfield%s", c->field ?
				    c->field : "[]", "");
		if (!(c->field ? member(w, c) : element(w, c)))
			return false;
		w->at_cast = false;
	}
	w->tok = n->tok;
	return true;
}

static bool walk(Walk *w, const Node *n)
{
	return walk_comps(w, n) && finish(w);
}

/* ---- $var$ and $var$$: the value as text ---- */

/* SystemTap's pretty-printing: integers in decimal, pointers in hex, a
 * char pointer or array as a quoted string (up to STP_PRETTY_STRINGS of
 * them), a struct or union as {.m=v, ...} one level deep ($var$$: two),
 * deeper ones as {...}, other arrays as [...]. */
typedef struct Pretty {
	TExpr *te;		/* the string: its parts */
	Buf *fmt;		/* and its format */
	int strings;
} Pretty;

#define STP_PRETTY_STRINGS 4	/* runtime/stp_runtime.h's buffers */
#define PRETTY_PARTS 32

/* A copy of BASE with steps of its own. */
static TExpr *copy_texpr(const TExpr *base)
{
	TExpr *t = NEW(TExpr);
	int i;

	*t = *base;
	t->steps.v = NULL;
	t->steps.len = t->steps.cap = 0;
	for (i = 0; i < base->steps.len; i++)
		vec_push(&t->steps, base->steps.v[i]);
	return t;
}

/* BASE plus one step, in a copy. */
static TExpr *with_step(const TExpr *base, TStep s)
{
	TExpr *t = copy_texpr(base);

	vec_push(&t->steps, s);
	return t;
}

static bool is_char(int id)
{
	const struct btf_type *t = type_at(strip(id));

	return t && btf_is_int(t) && t->size == 1;
}

static void pretty_part(Pretty *p, TExpr *part, const char *fmt)
{
	vec_push(&p->te->parts, part);
	buf_puts(p->fmt, fmt);
}

static void pretty(Pretty *p, const TExpr *base, int type, bool addr,
		   int bit_off, int bit_size, int depth);

static void pretty_struct(Pretty *p, const TExpr *base, int id, int depth)
{
	const struct btf_type *t = type_at(id);
	int i;

	if (depth <= 0 || p->te->parts.len >= PRETTY_PARTS) {
		buf_puts(p->fmt, "{...}");
		return;
	}
	buf_puts(p->fmt, "{");
	for (i = 0; i < btf_vlen(t); i++) {
		const struct btf_member *m = btf_members(t) + i;
		const char *mn = btf__name_by_offset(B, m->name_off);
		uint32_t bits = btf_member_bit_offset(t, (uint32_t)i);
		int bsize = (int)btf_member_bitfield_size(t, (uint32_t)i);
		const TExpr *at = base;

		if (!bsize && bits / 8)
			at = with_step(base, (TStep){ .kind = TS_ADD,
						      .off = bits / 8 });
		/* An anonymous struct or union is C's way to group members:
		 * it prints without a name and costs no depth. */
		buf_printf(p->fmt, "%s%s%s%s", i ? ", " : "", *mn ? "." : "",
			   mn, *mn ? "=" : "");
		pretty(p, at, (int)m->type, true, bsize ? (int)bits : 0, bsize,
		       *mn ? depth - 1 : depth);
	}
	buf_puts(p->fmt, "}");
}

static void pretty(Pretty *p, const TExpr *base, int type, bool addr,
		   int bit_off, int bit_size, int depth)
{
	int id = complete(strip(type));
	const struct btf_type *t = type_at(id);
	const TExpr *v = base;
	TExpr *part;

	if (!t || btf_kind(t) == BTF_KIND_UNKN) {
		buf_puts(p->fmt, "void");
		return;
	}
	if (btf_is_struct(t) || btf_is_union(t)) {
		if (addr)
			pretty_struct(p, base, id, depth);
		else
			buf_puts(p->fmt, "{...}");
		return;
	}
	if (btf_is_array(t)) {
		if (addr && is_char((int)btf_array(t)->type) &&
		    p->strings < STP_PRETTY_STRINGS) {
			part = with_step(base, (TStep){ .kind = TS_ADD });
			part->quoted = ++p->strings;
			pretty_part(p, part, "%s");
		} else {
			buf_puts(p->fmt, "[...]");
		}
		return;
	}
	if (!is_scalar(t) || p->te->parts.len >= PRETTY_PARTS) {
		buf_puts(p->fmt, "?");
		return;
	}
	if (addr)
		v = with_step(base, (TStep){ .kind = TS_LOAD,
			.size = (int)btf__resolve_size(B, (uint32_t)id),
			.sign = is_signed(t), .bit_off = bit_off,
			.bit_size = bit_size });
	part = copy_texpr(v);
	if (!addr && !part->steps.len) {
		part->size = (int)btf__resolve_size(B, (uint32_t)id);
		part->sign = is_signed(t);
	}
	if (btf_is_ptr(t) && is_char((int)t->type) &&
	    p->strings < STP_PRETTY_STRINGS) {
		part->quoted = ++p->strings;
		pretty_part(p, part, "%s");
	} else {
		pretty_part(p, part, btf_is_ptr(t) ? "%#llx" :
			    is_signed(t) ? "%lld" : "%llu");
	}
}

/* $x$: one level of members, $x$$: two; 0: not pretty-printed. */
static int pretty_depth(const Node *n)
{
	return !n->suffix ? 0 : !strcmp(n->suffix, "$$") ? 2 : 1;
}

/* N's value (walked to W) as the string $var$ or $var$$ asks for. */
static bool pretty_target(Node *n, Walk *w)
{
	Buf fmt = { 0 };
	Pretty p = { NEW(TExpr), &fmt, 0 };

	if (strcmp(n->suffix, "$") && strcmp(n->suffix, "$$"))
		return fail(w, "'%s': pretty-printing is $var$ or $var$$%s",
			    arena_printf("%s%s", n->name, n->suffix), "");
	p.te->is_string = true;
	pretty(&p, w->te, w->type, w->addr, w->bit_off, w->bit_size,
	       pretty_depth(n));
	p.te->fmt = arena_strdup(fmt.s ? fmt.s : "");
	buf_free(&fmt);
	n->texpr = p.te;
	return true;
}

/* ---- the probe's parameters ---- */

/* The FUNC_PROTO of the probed function, or of the tracepoint. */
static const struct btf_type *function_proto(const char *func)
{
	int id = btf__find_by_name_kind(B, func, BTF_KIND_FUNC);
	const struct btf_type *t = id > 0 ? type_at(id) : NULL;

	return t ? type_at((int)t->type) : NULL;
}

/* The BTF type a hook names: "struct X *" (a pointer to X, which the
 * kernel's BTF has wherever a function takes one) or an integer type. */
static int hook_type(const char *name)
{
	int id, n, i;

	if (strncmp(name, "struct ", 7))
		return btf__find_by_name_kind(B, name, BTF_KIND_INT);
	{
		char tag[64];

		snprintf(tag, sizeof(tag), "%.*s", (int)strcspn(name + 7, " *"),
			 name + 7);
		id = btf__find_by_name_kind(B, tag, BTF_KIND_STRUCT);
	}
	n = (int)btf__type_cnt(B);
	for (i = 1; id > 0 && i < n; i++)
		if (btf_is_ptr(type_at(i)) && (int)type_at(i)->type == id)
			return i;
	return -1;
}

/* Parameter NAME of the site: its index and BTF type; -1 if none. */
static int parameter(const Context *s, const char *name, int *type)
{
	int i;

	if (s->hook_args) {
		for (i = 0; s->hook_args[i]; i++)
			if (!strcmp(s->hook_args[i], name)) {
				*type = hook_type(s->hook_types[i]);
				return *type > 0 ? i : -1;
			}
	} else if (s->func) {
		const struct btf_type *p = function_proto(s->func);

		for (i = 0; p && i < btf_vlen(p); i++)
			if (!strcmp(btf__name_by_offset(B,
					btf_params(p)[i].name_off), name)) {
				*type = (int)btf_params(p)[i].type;
				return i;
			}
	} else if (s->tracepoint) {
		const char **names;
		int *types, n = kernel_tracepoint(s->tracepoint, &names,
						   &types);

		for (i = 0; i < n; i++)
			if (!strcmp(names[i], name)) {
				*type = types[i];
				return i;
			}
	}
	return -1;
}

static int parameter_count(const Context *s, const char ***names, int **types)
{
	const struct btf_type *p;
	int i, n;

	if (s->hook_args) {
		for (n = 0; s->hook_args[n]; n++)
			;
		*names = (const char **)s->hook_args;
		*types = arena_zalloc(sizeof(int) * (size_t)(n + 1));
		for (i = 0; i < n; i++)
			(*types)[i] = hook_type(s->hook_types[i]);
		return n;
	}
	if (s->tracepoint)
		return kernel_tracepoint(s->tracepoint, names, types);
	p = function_proto(s->func);
	if (!p)
		return -1;
	n = btf_vlen(p);
	*names = arena_zalloc(sizeof(char *) * (size_t)(n + 1));
	*types = arena_zalloc(sizeof(int) * (size_t)(n + 1));
	for (i = 0; i < n; i++) {
		(*names)[i] = btf__name_by_offset(B, btf_params(p)[i].name_off);
		(*types)[i] = (int)btf_params(p)[i].type;
	}
	return n;
}

static const char *site_name(const Context *s)
{
	if (s->hook_args)
		return "the hook";
	return s->func ? arena_printf("function '%s'", s->func) :
	       arena_printf("tracepoint '%s'", s->tracepoint);
}

/* In a .return probe, parameter I is its value saved at entry. */
static void save_at_entry(TExpr *te, Derived *d)
{
	Node *saved = new_node(N_TARGET, NULL);
	TExpr *raw = NEW(TExpr);

	*raw = *te;
	raw->steps.v = NULL;
	raw->steps.len = raw->steps.cap = 0;
	raw->size = 8;
	saved->texpr = raw;
	te->base = TB_ENTRY;
	te->index = d->entries.len;
	vec_push(&d->entries, saved);
}

/* ---- variables by DWARF ---- */

const char *target_shown_name(const char *name)
{
	const char *at = strchr(name, '@');

	if (!at)
		return name;
	return arena_printf("@var(\"%.*s%s\")", (int)(at - name - 1),
			    name + 1, at[1] ? at : "");
}

/* $NAME at a DWARF site: its location at the address, typed by BTF. */
static bool dwarf_base(Walk *w, const Context *s, const char *name)
{
	DwVar v;

	if (!dwarf_variable(s->dw, name, &v))
		return fail(w, "cannot read '%s' here: %s",
			    target_shown_name(arena_printf("$%s", name)), v.why);
	w->te->base = TB_DWARF;
	w->te->code = v.code;
	w->te->dwreg = v.reg;
	w->addr = v.addr;
	w->type = v.type;
	return true;
}

/*
 * $NAME at the entry of __x64_sys_X, the x86-64 wrapper of system call X,
 * whose one parameter is the caller's saved registers: X's own parameter
 * NAME (named and typed by the DWARF of __do_sys_X, the SYSCALL_DEFINE
 * body inlined into the wrapper) is the register it came in, read from
 * or written into the saved registers before the wrapper reads them.
 * SystemTap's syscall.X offers the same $NAME from the DWARF of sys_X.
 */
static bool syscall_argument(Walk *w, const Context *s, const char *name)
{
	static const char *const regs[] = { "di", "si", "dx", "r10", "r8",
					    "r9" };
	const char *call = s->dw->container;
	int index, type;
	Comp c = { 0 };
	DwVar v;

	/* Only at the wrapper's own entry (not a copy of a function inlined
	 * in it), and only for a name the site has no variable of. */
	if (!s->dw->entry || s->dw->inlined || !call ||
	    strncmp(call, "__x64_sys_", 10) ||
	    dwarf_variable(s->dw, name, &v) ||
	    !dwarf_parameter_of(arena_printf("__do_sys_%s", call + 10), name,
				&index, &type) || index >= 6)
		return false;
	if (!dwarf_base(w, s, "regs"))
		return false;
	c.field = regs[index];
	if (!member(w, &c))
		return false;
	w->type = type;
	return true;
}

/* $$parms/$$locals/$$vars at a DWARF site: "a=0x1 p=0xffff..." with
 * "x=?" for what the compiler left nowhere here, "s={...}" for an
 * aggregate, as SystemTap prints them. */
static void dwarf_parts(TExpr *te, const Context *s, bool params, bool locals,
			Buf *fmt, int depth)
{
	const char **names;
	int i, n = dwarf_variables(s->dw, params, locals, &names);
	Pretty pr = { te, fmt, 0 };

	for (i = 0; i < n; i++) {
		TExpr *p = NEW(TExpr);
		Walk w = { p, 0, false, 0, 0, NULL, false, false };
		const struct btf_type *t;

		p->user = te->user;

		buf_printf(fmt, "%s%s=", i ? " " : "", names[i]);
		if (!dwarf_base(&w, s, names[i])) {
			buf_puts(fmt, "?");
			continue;
		}
		p->size = 8;
		if (depth) {		/* $$locals$: each as $var$ */
			pretty(&pr, p, w.type, w.addr, 0, 0, depth);
			continue;
		}
		t = type_at(strip(w.type));
		if (!t || !is_scalar(t)) {
			buf_puts(fmt, "{...}");
			continue;
		}
		finish(&w);
		vec_push(&te->parts, p);
		buf_puts(fmt, "%#llx");
	}
}

/* $$parms / $$vars / $$locals / $$return. */
static bool all_parameters(Node *n, Derived *d, const Context *s, bool report,
			   bool at_entry)
{
	TExpr *te = NEW(TExpr);
	Buf fmt = { 0 };
	const char **names;
	int *types, i, np;
	bool ret = !strncmp(n->name, "$$return", 8);

	te->is_string = true;
	te->user = s->user;
	n->texpr = te;
	if (s->dw && !ret) {
		bool locals = strncmp(n->name, "$$parms", 7) != 0;
		bool params = strncmp(n->name, "$$locals", 8) != 0;

		dwarf_parts(te, s, params, locals, &fmt, pretty_depth(n));
		te->fmt = arena_strdup(fmt.s ? fmt.s : "");
		buf_free(&fmt);
		for (i = 0; s->ret && d && report && !at_entry &&
		     i < te->parts.len; i++)
			save_at_entry(te->parts.v[i], d);
		return true;
	}
	if (!strncmp(n->name, "$$locals", 8)) {
		te->fmt = "";
		return true;
	}
	if (ret) {
		if (!s->ret)
			goto not_here;
		TExpr *r = NEW(TExpr);

		r->base = TB_RETURN;
		r->size = 8;
		r->user = s->user;
		vec_push(&te->parts, r);
		te->fmt = "return=%#llx";
		return true;
	}
	np = parameter_count(s, &names, &types);
	if (np < 0)
		goto not_here;
	for (i = 0; i < np; i++) {
		TExpr *p = NEW(TExpr);
		Pretty pr = { te, &fmt, 0 };

		p->base = TB_ARG;
		p->index = i;
		p->size = 8;
		if (s->ret && d && report && !at_entry)
			save_at_entry(p, d);
		if (pretty_depth(n)) {		/* $$parms$: each as $var$ */
			buf_printf(&fmt, "%s%s=", i ? " " : "", names[i]);
			pretty(&pr, p, types[i], false, 0, 0, pretty_depth(n));
			continue;
		}
		vec_push(&te->parts, p);
		buf_printf(&fmt, "%s%s=%%#llx", i ? " " : "", names[i]);
	}
	te->fmt = arena_strdup(fmt.s ? fmt.s : "");
	buf_free(&fmt);
	return true;
not_here:
	if (report)
		sem_error(n->tok, "'%s' is not available here", n->name);
	return false;
}

static bool no_btf(Node *n, const char *module, bool report)
{
	if (report && module)
		sem_error(n->tok, "target variable '%s' needs module %s's BTF,"
			  " and there is none for %s", n->name, module,
			  S->kernel_release);
	else if (report)
		sem_error(n->tok, "target variable '%s' needs the kernel's BTF"
			  " (%s)", n->name ? n->name : "@cast",
			  kernel_btf_source());
	return false;
}

/* $value, a string and writable, all that FAMILY's probes offer (a
 * procfs file's text). */
static bool value_only(Node *n, const char *family, bool report)
{
	TExpr *te = NEW(TExpr);

	if (strcmp(n->name, "$value") || n->comps.len) {
		if (report)
			sem_error(n->tok, "%s probes have only '$value', not"
				  " '%s'", family, n->name);
		return false;
	}
	te->base = TB_PROCFS;
	te->is_string = true;
	n->texpr = te;
	return true;
}

/* process().plt's $$name: the called symbol, a string constant (a
 * $$parms-like format with no parts). */
static bool plt_name_only(Node *n, const char *name, bool report)
{
	TExpr *te = NEW(TExpr);
	Buf b = { 0 };

	if (strcmp(n->name, "$$name") || n->comps.len) {
		if (report)
			sem_error(n->tok, "process().plt probes have only"
				  " '$$name', not '%s'", n->name);
		return false;
	}
	for (; *name; name++)
		buf_printf(&b, *name == '%' ? "%%%%" : "%c", *name);
	te->fmt = arena_strdup(b.s ? b.s : "");
	buf_free(&b);
	te->is_string = true;
	n->texpr = te;
	return true;
}

const char *target_write_problem(const TExpr *t, const char *op)
{
	const TStep *last = t->steps.len ? &t->steps.v[t->steps.len - 1] :
			    NULL;

	if (!strcmp(op, "/=") || !strcmp(op, "%=") || !strcmp(op, ".="))
		return arena_printf("'%s' on a target variable is not"
				    " supported", op);
	if (t->fmt || t->is_string)
		return "it is not a single value";
	if (last)
		return last->kind != TS_LOAD ? "it is an aggregate, not a"
		       " scalar" : last->bit_size ? "it is a bitfield" : NULL;
	switch (t->base) {
	case TB_ARG:
	case TB_RETURN:
		return NULL;
	case TB_HOOK:
		return t->writable ? NULL : "the hook does not read it back";
	case TB_ENTRY:
		return "in a .return probe it is the value saved at entry";
	case TB_DWARF:
		return t->dwreg ? NULL : "the compiler computes it here: it"
		       " is in no register or memory";
	default:
		return "it is a value, not a place";
	}
}

bool target_writable(const Node *n, const Derived *d)
{
	return n->kind == N_TARGET && site_of(d).value &&
	       !strcmp(n->name, "$value");
}

/* A process probe's variables come from its binary's DWARF, their types
 * written as BTF of the binary's own (ubtf.c) for the walker above, and
 * are read from the probed process's memory: B set, false after saying
 * why not.  A name not in scope gets the names that are. */
static bool user_site(const Node *n, const Context *s, bool report)
{
	const char **names;
	int i, k;
	Buf b = { 0 };

	if (!s->dw || !(B = dwarf_user_btf(s->module))) {
		if (report)
			sem_error(n->tok, "target variable '%s' needs the DWARF"
				  " of %s, and it has none",
				  target_shown_name(n->name),
				  s->module);
		return false;
	}
	if (!strncmp(n->name, "$$", 2) || !strcmp(n->name, "$return") ||
	    dwarf_in_scope(s->dw, n->name + 1))
		return true;
	if (report) {
		k = dwarf_variables(s->dw, true, true, &names);
		for (i = 0; i < k; i++)
			buf_printf(&b, " $%s", names[i]);
		sem_error(n->tok, "unable to find target variable '%s' in %s"
			  " (%s); in scope:%s", target_shown_name(n->name), s->func,
			  s->module,
			  k ? b.s : " none");
		buf_free(&b);
	}
	return false;
}

/* $return's type: the probed function's result, by BTF or, in a user
 * binary, by its DWARF; -1 if it has none. */
static int return_type(const Context *s, const char **why)
{
	const struct btf_type *p;

	*why = NULL;
	if (s->user)
		return dwarf_return_type(s->dw, why);
	p = s->func ? function_proto(s->func) : NULL;
	return p ? (int)p->type : -1;
}

bool target_resolve(Node *n, Derived *d, int flags)
{
	Context s = site_of(d);
	TExpr *te = NEW(TExpr);
	bool report = flags & TR_REPORT, at_entry = flags & TR_AT_ENTRY;
	Walk w = { te, 0, false, 0, 0, n->tok, report, false };

	if (d)
		d->site_specific = true;
	if (s.value)
		return value_only(n, s.value, report);
	if (s.plt_name)
		return plt_name_only(n, s.plt_name, report);
	if (s.resolve)
		return s.resolve(n, d->point, flags);
	if (s.user) {
		if (!user_site(n, &s, report))
			return false;
		te->user = true;
	} else if (!(B = s.module ? kernel_module_btf(s.module) :
		     kernel_btf())) {
		return no_btf(n, s.module, report);
	}
	if (!s.func && !s.tracepoint && !s.hook_args) {
		if (report)
			sem_error(n->tok, "target variable '%s' is only"
				  " available in kernel function and"
				  " tracepoint probes", n->name);
		return false;
	}
	if (!strncmp(n->name, "$$", 2))
		return all_parameters(n, d, &s, report, at_entry);
	if (!strcmp(n->name, "$return")) {
		const char *why = NULL;	/* set only when it was asked */
		int type = s.ret && !at_entry ? return_type(&s, &why) : -1;

		if (type <= 0) {
			if (report && why)
				sem_error(n->tok, "cannot read '$return' of %s:"
					  " %s", s.func, why);
			else if (report)
				sem_error(n->tok, "$return is only available in"
					  " .return probes of functions that"
					  " return a value");
			return false;
		}
		te->base = TB_RETURN;
		w.type = type;
	} else if (s.dw) {
		te->size = 8;
		if (!syscall_argument(&w, &s, n->name + 1) &&
		    !dwarf_base(&w, &s, n->name + 1))
			return false;
		if (s.ret && d && report && !at_entry)
			save_at_entry(te, d);
	} else {
		te->base = TB_ARG;
		te->index = parameter(&s, n->name + 1, &w.type);
		if (te->index < 0) {
			if (report)
				sem_error(n->tok, "%s has no parameter '%s'",
					  site_name(&s), n->name + 1);
			return false;
		}
		if (s.hook_args) {
			te->base = TB_HOOK;
			te->writable = s.hook_writable >> te->index & 1;
		}
		if (s.ret && d && report && !at_entry)
			save_at_entry(te, d);
	}
	te->size = 8;
	if (n->suffix)
		return walk_comps(&w, n) && pretty_target(n, &w);
	if (!walk(&w, n))
		return false;
	value_type(&w);
	n->texpr = te;
	return true;
}

/* @cast(e, "type", "MODULE") of a user binary (a path) or of C headers
 * ("<sys/stat.h>", compiled with -g to find their types): the binary's
 * DWARF types as BTF, read from the process's memory.  B set, the type's
 * id in *ID; false after saying why. */
static bool user_cast(Walk *w, const char *module, const char *tname, int *id)
{
	const char *path = module, *why = NULL;
	char real[PATH_MAX];

	if (*module == '<')
		path = dwarf_header_object(module, &why);
	else if (realpath(module, real))
		path = arena_strdup(real);
	else
		path = NULL;
	if (!path && !why)
		why = arena_printf("no such binary %s", module);
	if (path && (*id = dwarf_user_type(path, tname, &why)) >= 0 &&
	    (B = dwarf_user_btf(path)))
		return true;
	if (path && *module == '<')	/* not the temporary object's name */
		why = arena_printf("no type '%s' in %s", tname, module);
	return fail(w, "@cast: %s%s", why ? why : "no DWARF", "");
}

/* A kernel type by name: "struct x", "union x" or a typedef. */
static int kernel_type(const char *tname)
{
	int id;

	if (!strncmp(tname, "struct ", 7))
		tname += 7;
	else if (!strncmp(tname, "union ", 6))
		tname += 6;
	id = btf__find_by_name_kind(B, tname, BTF_KIND_STRUCT);
	if (id <= 0)
		id = btf__find_by_name_kind(B, tname, BTF_KIND_UNION);
	if (id <= 0)
		id = btf__find_by_name_kind(B, tname, BTF_KIND_TYPEDEF);
	return id;
}

/* @cast(e, "type"[, "module"])->...: E's value is a pointer to TYPE. */
bool target_cast(Node *n, bool report)
{
	const char *tname, *module;
	TExpr *te = NEW(TExpr);
	Walk w = { te, 0, true, 0, 0, n->tok, report, true };
	int id;

	if (n->args.len < 1 || n->args.v[0]->kind != N_STR)
		return fail(&w, "@cast needs a type name%s%s", "", "");
	tname = n->args.v[0]->str;
	module = n->args.len > 1 && n->args.v[1]->kind == N_STR ?
		 n->args.v[1]->str : "";
	/* "kernel<linux/aio.h>" is SystemTap's kernel with headers: the
	 * kernel's BTF has their types. */
	if (*module == '<' || (strchr(module, '/') &&
			       strncmp(module, "kernel<", 7))) {
		if (!user_cast(&w, module, tname, &id))
			return false;
		te->user = true;
	} else {
		if (!(B = kernel_btf()))
			return no_btf(n, NULL, report);
		if ((id = kernel_type(tname)) <= 0)
			return fail(&w, "@cast: no type '%s' in %s", tname,
				    kernel_btf_source());
	}
	te->base = TB_EXPR;
	te->expr = n->lhs;
	te->size = 8;
	w.type = complete(strip(id));
	if (!walk(&w, n))
		return false;
	value_type(&w);
	n->texpr = te;
	return true;
}

/* lhs->f, lhs[i] where lhs holds FROM's value: a pointer to a struct or
 * the struct's address, walked as @cast(lhs, that struct) is. */
bool target_autocast(Node *n, const TExpr *from)
{
	TExpr *te = NEW(TExpr);
	Walk w = { te, 0, true, 0, 0, n->tok, true, true };
	const struct btf_type *t;

	B = from->btf;
	t = type_at(strip(from->type));
	if (from->object)
		w.type = from->type;
	else if (t && btf_is_ptr(t))
		w.type = complete(strip((int)t->type));
	else
		return fail(&w, "'->' or '[]' on a value of type %s, which is"
			    " not a pointer%s", type_desc(from->type), "");
	te->base = TB_EXPR;
	te->expr = n->lhs;
	te->size = 8;
	te->user = from->user;
	if (!walk(&w, n))
		return false;
	value_type(&w);
	n->texpr = te;
	return true;
}

/* &N, N resolved: its last read dropped (a scalar in memory), or the
 * address an aggregate's value already is.  False after reporting what
 * has no address: a value in a register, a bitfield, a $$ string. */
bool target_address(Node *n)
{
	TExpr *t = n->texpr;
	const TStep *last = t->steps.len ? &t->steps.v[t->steps.len - 1] :
			    NULL;
	const char *why = NULL;

	if (t->fmt || t->is_string)
		why = "it is not a single value";
	else if (last && last->kind == TS_LOAD && last->bit_size)
		why = "it is a bitfield";
	else if (last && last->kind == TS_LOAD)
		t->steps.len--;
	else if (!last && t->base != TB_EXPR)
		why = "it is a value, not a place in memory";
	if (why)
		sem_error(n->tok, "cannot take the address of '%s': %s",
			  n->name ? n->name : "@cast", why);
	return !why;
}

bool target_entry(Node *n, Derived *d)
{
	Context s = site_of(d);
	TExpr *te = NEW(TExpr);

	if (!s.ret)
		return false;	/* types.c says so if it is not elided */
	d->site_specific = true;
	te->base = TB_ENTRY;
	te->index = d->entries.len;
	te->size = 8;
	vec_push(&d->entries, n->lhs);
	n->texpr = te;
	return true;
}

/* -L: the target variables a probe offers, "$name:type" each. */
void target_list(const Derived *d, Buf *b)
{
	Context s = site_of(d);
	const struct btf_type *proto;
	const char **names;
	int *types, i, n;

	if (s.list) {
		s.list(d->point, b);
		return;
	}
	if (s.user) {		/* a user binary's function: by its DWARF */
		n = s.dw ? dwarf_variables(s.dw, true, true, &names) : 0;
		for (i = 0; i < n; i++) {
			const char *type = dwarf_variable_c_type(s.dw,
								 names[i]);

			if (type)
				buf_printf(b, " $%s:%s", names[i], type);
		}
		if (s.ret && s.dw && (B = dwarf_user_btf(s.module))) {
			const char *why;
			int type = dwarf_return_type(s.dw, &why);

			if (type > 0)
				buf_printf(b, " $return:%s", type_desc(type));
		}
		return;
	}
	if ((!s.func && !s.tracepoint && !s.hook_args) ||
	    !(B = s.module ? kernel_module_btf(s.module) : kernel_btf()))
		return;
	if (s.dw) {
		n = dwarf_variables(s.dw, true, true, &names);
		for (i = 0; i < n; i++) {
			DwVar v;

			if (dwarf_variable(s.dw, names[i], &v))
				buf_printf(b, " $%s:%s", names[i],
					   type_desc(v.type));
		}
		n = 0;
	} else {
		n = parameter_count(&s, &names, &types);
	}
	for (i = 0; i < n; i++)
		buf_printf(b, " $%s:%s", names[i], type_desc(types[i]));
	proto = s.ret && s.func ? function_proto(s.func) : NULL;
	if (proto && proto->type)
		buf_printf(b, " $return:%s", type_desc((int)proto->type));
}
