/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pf_netfilter.c - netfilter hooks.
 *
 *   netfilter.hook("H").pf("P")[.priority("N")]
 *   netfilter.pf("P").hook("H")[.priority("N")]
 *
 * H is a hook's name (NF_INET_LOCAL_IN, NF_IP6_FORWARD, NF_ARP_OUT,
 * NF_BR_PRE_ROUTING ...) or its number, P a protocol family's
 * (NFPROTO_IPV4, NFPROTO_IPV6, NFPROTO_ARP, NFPROTO_BRIDGE ...) or its
 * number, N the hook's priority: a number or an NF_IP_PRI_* name (0 by
 * default).  The runtime registers one hook of that family in the
 * initial network namespace (runtime/kernel/knetfilter.c) and hands the
 * handler the hook's values as a tracepoint's arguments: $hooknum, $skb,
 * $in, $out ($indev, $outdev: the same devices), $pf and $verdict, which
 * the hook returns (NF_ACCEPT unless a guru-mode handler assigns it).
 */
#include <stdlib.h>
#include <string.h>

#include "stap.h"

typedef struct Named {
	const char *name;
	long long value;
} Named;

/* The hooks' numbers by family (include/uapi/linux/netfilter*.h): the
 * IPv4, IPv6 and INET names share theirs. */
static const Named hooks[] = {
	{ "NF_INET_PRE_ROUTING", 0 }, { "NF_INET_LOCAL_IN", 1 },
	{ "NF_INET_FORWARD", 2 }, { "NF_INET_LOCAL_OUT", 3 },
	{ "NF_INET_POST_ROUTING", 4 },
	{ "NF_IP_PRE_ROUTING", 0 }, { "NF_IP_LOCAL_IN", 1 },
	{ "NF_IP_FORWARD", 2 }, { "NF_IP_LOCAL_OUT", 3 },
	{ "NF_IP_POST_ROUTING", 4 },
	{ "NF_IP6_PRE_ROUTING", 0 }, { "NF_IP6_LOCAL_IN", 1 },
	{ "NF_IP6_FORWARD", 2 }, { "NF_IP6_LOCAL_OUT", 3 },
	{ "NF_IP6_POST_ROUTING", 4 },
	{ "NF_ARP_IN", 0 }, { "NF_ARP_OUT", 1 }, { "NF_ARP_FORWARD", 2 },
	{ "NF_BR_PRE_ROUTING", 0 }, { "NF_BR_LOCAL_IN", 1 },
	{ "NF_BR_FORWARD", 2 }, { "NF_BR_LOCAL_OUT", 3 },
	{ "NF_BR_POST_ROUTING", 4 }, { "NF_BR_BROUTING", 5 },	/* refused */
	{ NULL, 0 },
};

static const Named families_[] = {
	{ "NFPROTO_UNSPEC", 0 }, { "NFPROTO_INET", 1 }, { "NFPROTO_IPV4", 2 },
	{ "NFPROTO_ARP", 3 }, { "NFPROTO_NETDEV", 5 }, { "NFPROTO_BRIDGE", 7 },
	{ "NFPROTO_IPV6", 10 }, { "NFPROTO_DECNET", 12 },
	{ "PF_INET", 2 }, { "PF_INET6", 10 },
	{ NULL, 0 },
};

/* include/uapi/linux/netfilter_ipv4.h's priorities. */
static const Named priorities[] = {
	{ "NF_IP_PRI_FIRST", -2147483647LL - 1 },
	{ "NF_IP_PRI_RAW_BEFORE_DEFRAG", -450 },
	{ "NF_IP_PRI_CONNTRACK_DEFRAG", -400 }, { "NF_IP_PRI_RAW", -300 },
	{ "NF_IP_PRI_SELINUX_FIRST", -225 },
	{ "NF_IP_PRI_CONNTRACK", -200 }, { "NF_IP_PRI_MANGLE", -150 },
	{ "NF_IP_PRI_NAT_DST", -100 }, { "NF_IP_PRI_FILTER", 0 },
	{ "NF_IP_PRI_SECURITY", 50 }, { "NF_IP_PRI_NAT_SRC", 100 },
	{ "NF_IP_PRI_SELINUX_LAST", 225 },
	{ "NF_IP_PRI_CONNTRACK_HELPER", 300 },
	{ "NF_IP_PRI_CONNTRACK_CONFIRM", 2147483647LL },
	{ "NF_IP_PRI_LAST", 2147483647LL },
	{ NULL, 0 },
};

/* The hook's values, in the order the runtime passes them. */
static const char *const arg_names[] = {
	"hooknum", "skb", "in", "out", "indev", "outdev", "pf", "verdict",
	NULL,
};
static const char *const arg_types[] = {
	"unsigned int", "struct sk_buff *", "struct net_device *",
	"struct net_device *", "struct net_device *", "struct net_device *",
	"unsigned char", "unsigned int",
};
enum { VERDICT = 7 };

/* NAME's value in TABLE, or NAME as a number; false if neither. */
static bool lookup(const Named *table, const char *name, long long *out)
{
	char *end;
	int i;

	for (i = 0; table[i].name; i++)
		if (!strcmp(table[i].name, name)) {
			*out = table[i].value;
			return true;
		}
	if (!*name)
		return false;
	*out = strtoll(name, &end, 0);
	return !*end && *out >= -2147483647LL - 1 && *out <= 2147483647LL;
}

static const Component *part(const ProbePoint *pp, const char *name)
{
	int i;

	for (i = 1; i < pp->comps.len; i++)
		if (!strcmp(pp->comps.v[i].name, name))
			return &pp->comps.v[i];
	return NULL;
}

/* The number a component names; false after saying why. */
static bool value_of(const ProbePoint *pp, const char *what,
		     const Named *table, long long *out)
{
	const Component *c = part(pp, what);

	if (!c) {
		*out = 0;	/* only .priority may be left out */
		return true;
	}
	if (lookup(table, c->param->str, out))
		return true;
	sem_error(c->param->tok, "netfilter %s '%s': not a name netfilter"
		  " defines nor a number", what, c->param->str);
	return false;
}

/* How many hooks family PF has where a probe may register one without a
 * device: 0 for the families the kernel refuses (NETDEV needs a device)
 * or warns about (a number it does not know: a WARN_ON in the kernel). */
static int hooks_of(long long pf)
{
	switch (pf) {
	case 1: case 2: case 7: case 10:	/* INET, IPV4, BRIDGE, IPV6 */
		return 5;
	case 3:					/* ARP */
		return 3;
	default:
		return 0;
	}
}

static bool check_netfilter(const ProbePoint *pp, int64_t *seq)
{
	long long hook, pf, v;

	(void)seq;
	if (!value_of(pp, "hook", hooks, &hook) ||
	    !value_of(pp, "pf", families_, &pf) ||
	    !value_of(pp, "priority", priorities, &v))
		return false;
	if (!hooks_of(pf)) {
		sem_error(part(pp, "pf")->param->tok, "netfilter pf '%s': hooks"
			  " can be registered for IPv4, IPv6, INET, ARP and"
			  " BRIDGE only", part(pp, "pf")->param->str);
		return false;
	}
	if (hook < 0 || hook >= hooks_of(pf)) {
		sem_error(part(pp, "hook")->param->tok, "netfilter hook '%s' is"
			  " not a hook of pf '%s' (0 to %d)",
			  part(pp, "hook")->param->str,
			  part(pp, "pf")->param->str, hooks_of(pf) - 1);
		return false;
	}
	return family_needs_kernel(pp);
}

static void netfilter_context(const ProbePoint *pp, Context *c)
{
	(void)pp;
	c->hook_args = arg_names;
	c->hook_types = arg_types;
	c->hook_writable = 1u << VERDICT;
}

/* The hook's family, number and priority, for the runtime. */
static void netfilter_reg(const Derived *d, int index, Reg *r, Buf *code)
{
	long long hook, pf, priority;

	(void)index;
	(void)code;
	value_of(d->point, "hook", hooks, &hook);
	value_of(d->point, "pf", families_, &pf);
	value_of(d->point, "priority", priorities, &priority);
	r->fields = arena_printf(", .nf_hook = %lld, .nf_pf = %lld,"
				 " .nf_priority = %lld", hook, pf, priority);
}

#define NF(a, b, ...)							\
	{ .family = &pf_netfilter, .parts = { { "netfilter", 0 },	\
					      { a, 'S' }, { b, 'S' },	\
					      __VA_ARGS__ },		\
	  .kind = PK_NETFILTER, .check = check_netfilter }

static const Form forms[] = {
	NF("hook", "pf"),
	NF("pf", "hook"),
	NF("hook", "pf", { "priority", 'S' }),
	NF("pf", "hook", { "priority", 'S' }),
	{ 0 },
};

const Family pf_netfilter = { .name = "netfilter", .forms = forms,
			      .context = netfilter_context,
			      .reg = netfilter_reg };
