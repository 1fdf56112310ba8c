// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * knetfilter.c - netfilter.hook("H").pf("P").priority("N") probes: one
 * nf_hook_ops a probe in every network namespace.  A pernet subsystem
 * (registered when the session arms its first netfilter probe, in process
 * context: registering may sleep) gives each namespace, those there are
 * and those created later, an array of the program's hooks (its
 * net_generic slot points to it) and registers them there; unregistering
 * the subsystem unregisters them in every namespace (nf_unregister_net_hooks
 * waits for the hooks that run), before the module can go.
 *
 * The handler gets the hook's values as a tracepoint's arguments (the
 * order stap/pf_netfilter.c names them): hooknum, skb, in, out, in and
 * out again ($indev, $outdev), pf and the verdict, NF_ACCEPT until a
 * guru-mode handler assigns $verdict.  Only NF_DROP is honoured beside
 * it: any other value (NF_STOLEN, NF_QUEUE: the skb would leak or be
 * queued to nobody) accepts the packet, and is counted: a WARNING says
 * how many when the session stops.
 */
#include <linux/netdevice.h>
#include <linux/netfilter.h>
#include <linux/slab.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "kernel.h"

enum { NF_ARG_VERDICT = 7, NF_NARGS };

static atomic_t bad_verdicts = ATOMIC_INIT(0);

static unsigned int nf_hit(void *priv, struct sk_buff *skb,
			   const struct nf_hook_state *state)
{
	const struct stp_probe *p = priv;
	int64_t args[NF_NARGS] = {
		state->hook, (uintptr_t)skb, (uintptr_t)state->in,
		(uintptr_t)state->out, (uintptr_t)state->in,
		(uintptr_t)state->out, state->pf, NF_ACCEPT,
	};
	struct stp_probe_hit h = { .tp_args = args, .handler = p->handler };

	stp_run_probe(p, &h, MAXACTION);
	if ((args[NF_ARG_VERDICT] & NF_VERDICT_MASK) == NF_DROP)
		return NF_DROP;
	if (args[NF_ARG_VERDICT] != NF_ACCEPT)
		atomic_inc(&bad_verdicts);
	return NF_ACCEPT;
}

/* The tracepoint arguments are read-only; a hook's are this hit's own
 * array (nf_hit's), which the hook reads back after the handler. */
void stp_set_hook_arg(struct stp_context *c, int i, int64_t v)
{
	if (!c->tp_args || i < 0 || i >= NF_NARGS) {
		stp_error(c, "this probe has no value %d to set", i);
		return;
	}
	((int64_t *)c->tp_args)[i] = v;
}

/* The program's netfilter probes, and whether the subsystem is there. */
static const struct stp_probe **nf_probes;
static int nf_count;
static unsigned int nf_net_id;
static bool nf_registered;

/* A namespace's hooks: an array allocated for it, its place in the
 * namespace's net_generic slot (a pointer: the slot's size is fixed when
 * the subsystem is declared, the number of probes only when it starts). */
static int nf_net_init(struct net *net)
{
	struct nf_hook_ops **slot = net_generic(net, nf_net_id);
	struct nf_hook_ops *ops = kcalloc(nf_count, sizeof(*ops), GFP_KERNEL);
	int i, rc;

	if (!ops)
		return -ENOMEM;
	for (i = 0; i < nf_count; i++) {
		ops[i].hook = nf_hit;
		ops[i].priv = (void *)nf_probes[i];
		ops[i].pf = nf_probes[i]->nf_pf;
		ops[i].hooknum = nf_probes[i]->nf_hook;
		ops[i].priority = nf_probes[i]->nf_priority;
	}
	rc = nf_register_net_hooks(net, ops, nf_count);
	if (rc) {
		kfree(ops);
		return rc;
	}
	*slot = ops;
	return 0;
}

static void nf_net_exit(struct net *net)
{
	struct nf_hook_ops **slot = net_generic(net, nf_net_id);

	nf_unregister_net_hooks(net, *slot, nf_count);
	kfree(*slot);
	*slot = NULL;
}

static struct pernet_operations nf_net_ops = {
	.init = nf_net_init,
	.exit = nf_net_exit,
	.id = &nf_net_id,
	.size = sizeof(struct nf_hook_ops *),
};

/* The first netfilter probe armed registers them all, in every
 * namespace; the others find them registered.  STATE is unused: the
 * hooks live in the namespaces. */
int stp_nf_arm(const struct stp_probe *p, void **state)
{
	int i, rc;

	(void)p;
	*state = NULL;
	if (nf_registered)
		return 0;
	nf_count = 0;
	for (i = 0; i < stp_nprobes; i++)
		nf_count += stp_probes[i].kind == STP_PROBE_NETFILTER;
	nf_probes = kcalloc(nf_count, sizeof(*nf_probes), GFP_KERNEL);
	if (!nf_probes)
		return -ENOMEM;
	nf_count = 0;
	for (i = 0; i < stp_nprobes; i++)
		if (stp_probes[i].kind == STP_PROBE_NETFILTER)
			nf_probes[nf_count++] = &stp_probes[i];
	rc = register_pernet_subsys(&nf_net_ops);
	if (rc) {
		kfree(nf_probes);
		nf_probes = NULL;
		return rc;
	}
	nf_registered = true;
	return 0;
}

/* Called for each netfilter probe when the session stops: the first
 * call unregisters the hooks of every namespace. */
void stp_nf_disarm(void *state)
{
	char msg[128];
	int bad;

	(void)state;
	if (!nf_registered)
		return;
	unregister_pernet_subsys(&nf_net_ops);
	nf_registered = false;
	kfree(nf_probes);
	nf_probes = NULL;
	bad = atomic_xchg(&bad_verdicts, 0);
	if (!bad)
		return;
	snprintf(msg, sizeof(msg), "WARNING: %d netfilter verdicts other than"
		 " NF_DROP or NF_ACCEPT were taken as NF_ACCEPT\n", bad);
	stp_control_send(msg);
}
