// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * knetfilter.c - netfilter.hook("H").pf("P").priority("N") probes: one
 * nf_hook_ops a probe, registered in the initial network namespace when
 * the session starts (process context: registering may sleep) and
 * unregistered when it stops (nf_unregister_net_hook waits for the hooks
 * that run, so the ops are freed after no CPU can be in ours).
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

int stp_nf_arm(const struct stp_probe *p, void **state)
{
	struct nf_hook_ops *ops = kzalloc(sizeof(*ops), GFP_KERNEL);
	int rc;

	if (!ops)
		return -ENOMEM;
	ops->hook = nf_hit;
	ops->priv = (void *)p;
	ops->pf = p->nf_pf;
	ops->hooknum = p->nf_hook;
	ops->priority = p->nf_priority;
	rc = nf_register_net_hook(&init_net, ops);
	if (rc) {
		kfree(ops);
		return rc;
	}
	*state = ops;
	return 0;
}

void stp_nf_disarm(void *state)
{
	char msg[128];
	int bad;

	if (!state)
		return;
	nf_unregister_net_hook(&init_net, state);
	kfree(state);
	bad = atomic_xchg(&bad_verdicts, 0);
	if (!bad)
		return;
	snprintf(msg, sizeof(msg), "WARNING: %d netfilter verdicts other than"
		 " NF_DROP or NF_ACCEPT were taken as NF_ACCEPT\n", bad);
	stp_control_send(msg);
}
