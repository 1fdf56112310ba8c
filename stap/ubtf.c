/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ubtf.c - a user binary's DWARF types written as BTF, on demand.
 *
 * The kernel's target variables are typed by BTF, which the kernel
 * carries; a user binary has no BTF, only DWARF.  Rather than a second
 * type walker, each DWARF type a user target expression needs is written
 * into a BTF object of the binary's own (libbpf's writer), as pahole
 * writes the kernel's, and target.c walks it as it walks the kernel's:
 * members, elements, pointers, pretty printing and autocasts are one code.
 *
 * Types are written in two steps so that a struct that points to itself
 * works: first every type reachable from the one asked for is given its
 * id (a struct's before its members', so a cycle meets an id), then they
 * are written in id order, each reference already known.  A DWARF type
 * is written once per binary: later variables reuse it.
 */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <bpf/btf.h>
#include <inttypes.h>
#include <string.h>

#include "stap.h"

/* A type given an id and not written yet: its DIE, and for the inner
 * dimensions of a multi-dimensional array which one. */
typedef struct Planned {
	Dwarf_Die die;
	int dim;
} Planned;

struct UBtf {
	struct btf *btf;
	Table ids;		/* DIE key -> its BTF id + 1 */
	VEC(Planned) plan;	/* ids first_planned .. in order */
	int first_planned;
	int index_type;		/* arrays' index: an unsigned int */
	const char *why;	/* the first type that could not be written */
};

UBtf *ubtf_new(void)
{
	UBtf *u = NEW(UBtf);

	u->btf = btf__new_empty();
	if (!u->btf)
		return NULL;
	u->index_type = btf__add_int(u->btf, "unsigned int", 4, 0);
	u->first_planned = (int)btf__type_cnt(u->btf);
	return u;
}

const struct btf *ubtf_btf(const UBtf *u)
{
	return u->btf;
}

void ubtf_free(UBtf *u)
{
	if (u && u->btf)
		btf__free(u->btf);
	if (u)
		u->btf = NULL;
}

/* ---- giving ids ---- */

/* A DIE by its file (dwz's shared file is another) and offset. */
static const char *die_key(Dwarf_Die *d)
{
	return arena_printf("%p/%" PRIx64, (void *)dwarf_cu_getdwarf(d->cu),
			    (uint64_t)dwarf_dieoffset(d));
}

static bool inner_type(Dwarf_Die *d, Dwarf_Die *inner)
{
	Dwarf_Attribute a;

	return dwarf_attr_integrate(d, DW_AT_type, &a) &&
	       dwarf_formref_die(&a, inner);
}

static int subranges(Dwarf_Die *d)
{
	Dwarf_Die c;
	int n = 0;

	if (dwarf_child(d, &c) == 0)
		do
			n += dwarf_tag(&c) == DW_TAG_subrange_type;
		while (dwarf_siblingof(&c, &c) == 0);
	return n ? n : 1;
}

static int next_id(const UBtf *u)
{
	return u->first_planned + u->plan.len;
}

static void remember(UBtf *u, Dwarf_Die *d, int id)
{
	table_put(&u->ids, die_key(d), (void *)(intptr_t)(id + 1));
}

/* ID for D and its COUNT ids in a row (an array's dimensions). */
static int take_ids(UBtf *u, Dwarf_Die *d, int count)
{
	int id = next_id(u), i;

	remember(u, d, id);
	for (i = 0; i < count; i++)
		vec_push(&u->plan, ((Planned){ *d, i }));
	return id;
}

static int plan(UBtf *u, Dwarf_Die *d, int depth);

/* The type D refers to: its id, 0 for void or what cannot be written
 * (a member of a type nobody reads need not stop the others). */
static int plan_inner(UBtf *u, Dwarf_Die *d, int depth)
{
	Dwarf_Die inner;
	int id;

	if (!inner_type(d, &inner))
		return 0;
	id = plan(u, &inner, depth + 1);
	return id < 0 ? 0 : id;
}

static void plan_members(UBtf *u, Dwarf_Die *d, int depth)
{
	Dwarf_Die m;

	if (dwarf_child(d, &m) != 0)
		return;
	do
		if (dwarf_tag(&m) == DW_TAG_member)
			plan_inner(u, &m, depth);
	while (dwarf_siblingof(&m, &m) == 0);
}

/* D's id, given now with those of every type it reaches if it has none
 * yet; -1 for a kind of type BTF cannot say. */
static int plan(UBtf *u, Dwarf_Die *d, int depth)
{
	void *known = table_get(&u->ids, die_key(d));
	Dwarf_Die inner;
	int id;

	if (known)
		return (int)(intptr_t)known - 1;
	if (depth > 200) {	/* a typedef chain no compiler writes */
		u->why = "its type nests too deep";
		return -1;
	}
	switch (dwarf_tag(d)) {
	case DW_TAG_const_type: case DW_TAG_volatile_type:
	case DW_TAG_restrict_type: case DW_TAG_atomic_type:
		/* Qualifiers change nothing a probe reads. */
		id = inner_type(d, &inner) ? plan(u, &inner, depth + 1) : 0;
		if (id >= 0)
			remember(u, d, id);
		return id;
	case DW_TAG_subroutine_type:
	case DW_TAG_unspecified_type:	/* a function, decltype(nullptr) */
		remember(u, d, 0);
		return 0;
	case DW_TAG_pointer_type:
	case DW_TAG_reference_type:
	case DW_TAG_rvalue_reference_type:
	case DW_TAG_typedef:
		id = take_ids(u, d, 1);
		plan_inner(u, d, depth);
		return id;
	case DW_TAG_base_type:
	case DW_TAG_enumeration_type:
		return take_ids(u, d, 1);
	case DW_TAG_structure_type:
	case DW_TAG_union_type:
	case DW_TAG_class_type:
		id = take_ids(u, d, 1);
		plan_members(u, d, depth);
		return id;
	case DW_TAG_array_type:
		id = take_ids(u, d, subranges(d));
		plan_inner(u, d, depth);
		return id;
	}
	u->why = arena_printf("its type (DWARF tag 0x%x) has no BTF form",
			      dwarf_tag(d));
	return -1;
}

/* ---- writing them ---- */

static int id_of(UBtf *u, Dwarf_Die *d)
{
	void *known = table_get(&u->ids, die_key(d));

	return known ? (int)(intptr_t)known - 1 : 0;
}

static int ref_of(UBtf *u, Dwarf_Die *d)
{
	Dwarf_Die inner;

	return inner_type(d, &inner) ? id_of(u, &inner) : 0;
}

static uint64_t udata(Dwarf_Die *d, unsigned attr, uint64_t dflt)
{
	Dwarf_Attribute a;
	Dwarf_Word v;

	return dwarf_formudata(dwarf_attr_integrate(d, attr, &a), &v) == 0 ?
	       v : dflt;
}

static bool is_declaration(Dwarf_Die *d)
{
	Dwarf_Attribute a;
	bool flag = false;

	return dwarf_attr_integrate(d, DW_AT_declaration, &a) &&
	       dwarf_formflag(&a, &flag) == 0 && flag;
}

static int write_base(UBtf *u, Dwarf_Die *d)
{
	const char *name = dwarf_diename(d);
	size_t size = udata(d, DW_AT_byte_size, 0);
	int enc = 0;

	if (!name || !*name)
		name = "<base>";
	switch (udata(d, DW_AT_encoding, 0)) {
	case DW_ATE_float:
		if (size == 2 || size == 4 || size == 8 || size == 12 ||
		    size == 16)
			return btf__add_float(u->btf, name, size);
		break;
	case DW_ATE_signed:
	case DW_ATE_signed_char:
		enc = BTF_INT_SIGNED;
		break;
	case DW_ATE_boolean:
		enc = size == 1 ? BTF_INT_BOOL : 0;
		break;
	}
	if (size == 1 || size == 2 || size == 4 || size == 8 || size == 16)
		return btf__add_int(u->btf, name, size, enc);
	/* _Complex long double and the like: bytes nobody reads as one. */
	return btf__add_struct(u->btf, name, (uint32_t)size);
}

/* A member's place in bits from the start of its struct, little endian
 * (DWARF 2's DW_AT_bit_offset counts from the storage unit's top). */
static uint32_t member_bits(Dwarf_Die *m, uint32_t bit_size)
{
	Dwarf_Attribute a;
	Dwarf_Word v = 0;
	uint64_t bits;

	if (dwarf_attr_integrate(m, DW_AT_data_bit_offset, &a))
		return (uint32_t)udata(m, DW_AT_data_bit_offset, 0);
	if (dwarf_attr_integrate(m, DW_AT_data_member_location, &a) &&
	    dwarf_formudata(&a, &v) != 0) {
		Dwarf_Op *ops;
		size_t n;

		v = 0;	/* DWARF 2: DW_OP_plus_uconst N */
		if (dwarf_getlocation(&a, &ops, &n) == 0 && n == 1 &&
		    ops[0].atom == DW_OP_plus_uconst)
			v = ops[0].number;
	}
	bits = v * 8;
	if (bit_size && dwarf_attr_integrate(m, DW_AT_bit_offset, &a))
		bits += udata(m, DW_AT_byte_size, 0) * 8 -
			udata(m, DW_AT_bit_offset, 0) - bit_size;
	return (uint32_t)bits;
}

static int write_aggregate(UBtf *u, Dwarf_Die *d)
{
	const char *name = dwarf_diename(d);
	bool is_union = dwarf_tag(d) == DW_TAG_union_type;
	Dwarf_Die m;
	int id;

	if (is_declaration(d) && name)
		return btf__add_fwd(u->btf, name, is_union ? BTF_FWD_UNION :
				    BTF_FWD_STRUCT);
	id = is_union ?
	     btf__add_union(u->btf, name, (uint32_t)udata(d, DW_AT_byte_size, 0)) :
	     btf__add_struct(u->btf, name, (uint32_t)udata(d, DW_AT_byte_size, 0));
	if (id < 0 || dwarf_child(d, &m) != 0)
		return id;
	do {
		uint32_t bit_size;

		if (dwarf_tag(&m) != DW_TAG_member)
			continue;
		bit_size = (uint32_t)udata(&m, DW_AT_bit_size, 0);
		if (btf__add_field(u->btf, dwarf_diename(&m), ref_of(u, &m),
				   member_bits(&m, bit_size), bit_size) < 0)
			return -1;
	} while (dwarf_siblingof(&m, &m) == 0);
	return id;
}

static int write_enum(UBtf *u, Dwarf_Die *d)
{
	const char *name = dwarf_diename(d);
	uint32_t size = (uint32_t)udata(d, DW_AT_byte_size, 4);
	Dwarf_Die e;
	int id;

	if (is_declaration(d) && name)
		return btf__add_fwd(u->btf, name, BTF_FWD_ENUM);
	id = size > 4 ? btf__add_enum64(u->btf, name, size, false) :
	     btf__add_enum(u->btf, name, size ? size : 4);
	if (id < 0 || dwarf_child(d, &e) != 0)
		return id;
	do {
		Dwarf_Attribute a;
		Dwarf_Sword v = 0;
		const char *en = dwarf_diename(&e);

		if (dwarf_tag(&e) != DW_TAG_enumerator || !en || !*en)
			continue;
		dwarf_formsdata(dwarf_attr_integrate(&e, DW_AT_const_value, &a),
				&v);
		if ((size > 4 ? btf__add_enum64_value(u->btf, en, (uint64_t)v) :
		     btf__add_enum_value(u->btf, en, v)) < 0)
			return -1;
	} while (dwarf_siblingof(&e, &e) == 0);
	return id;
}

/* Dimension DIM of array D: its element is the next dimension, or the
 * array's element type after the last. */
static int write_array(UBtf *u, Dwarf_Die *d, int dim, int self)
{
	Dwarf_Die c;
	uint64_t count = 0;
	int i = 0, elem = dim + 1 < subranges(d) ? self + 1 : ref_of(u, d);

	if (dwarf_child(d, &c) == 0)
		do {
			if (dwarf_tag(&c) != DW_TAG_subrange_type)
				continue;
			if (i++ != dim)
				continue;
			count = udata(&c, DW_AT_count, 0);
			if (!count && udata(&c, DW_AT_upper_bound, UINT64_MAX) !=
			    UINT64_MAX)
				count = udata(&c, DW_AT_upper_bound, 0) + 1;
		} while (dwarf_siblingof(&c, &c) == 0);
	return btf__add_array(u->btf, u->index_type, elem, (uint32_t)count);
}

static int write_one(UBtf *u, const Planned *p, int self)
{
	Dwarf_Die d = p->die;
	const char *name = dwarf_diename(&d);

	switch (dwarf_tag(&d)) {
	case DW_TAG_pointer_type:
	case DW_TAG_reference_type:
	case DW_TAG_rvalue_reference_type:
		return btf__add_ptr(u->btf, ref_of(u, &d));
	case DW_TAG_typedef:
		return btf__add_typedef(u->btf, name && *name ? name :
					"<typedef>", ref_of(u, &d));
	case DW_TAG_base_type:
		return write_base(u, &d);
	case DW_TAG_enumeration_type:
		return write_enum(u, &d);
	case DW_TAG_array_type:
		return write_array(u, &d, p->dim, self);
	default:
		return write_aggregate(u, &d);
	}
}

int ubtf_type(UBtf *u, Dwarf_Die *type, const char **why)
{
	int id, i, first = next_id(u);

	u->why = NULL;
	id = plan(u, type, 0);
	for (i = first - u->first_planned; id >= 0 && i < u->plan.len; i++) {
		int self = u->first_planned + i;

		if (write_one(u, &u->plan.v[i], self) != self) {
			u->why = arena_printf("its type '%s' could not be"
					      " written as BTF",
					      dwarf_diename(&u->plan.v[i].die) ?
					      dwarf_diename(&u->plan.v[i].die) :
					      "<anonymous>");
			id = -1;
		}
	}
	if (id < 0) {
		*why = u->why ? u->why : "its type cannot be read";
		return -1;
	}
	return id;
}
