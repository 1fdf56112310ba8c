// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * drive_map.c - random arrays (values with many ties, 1 to 300 entries)
 * sorted by value, up or down, with no limit and with limits 1..40, by
 * stp_map_sort and by SystemTap's _stp_map_sort / _stp_map_sortn over
 * the same insertion order; the whole resulting order must be the same
 * (for limited sorts that includes the entries past the limit, which a
 * later unsorted foreach shows).
 */
#include <stdio.h>
#include <stdlib.h>

#include "drive.h"
#include "ref_map.h"
#include "stp_map.h"

struct node {
	struct map_node mn;
	int64_t key, value;
};

static key_data get_key(struct map_node *mn, int n, int *type)
{
	struct node *x = (struct node *)mn;
	key_data k;

	if (type)
		*type = INT64;
	k.val = n == 0 ? x->value : x->key;
	return k;
}

static struct node nodes[300];

/* One array sorted both ways: 1 when the orders differ. */
static int one(void)
{
	struct stp_map_spec spec = { .nkeys = 1, .key_kind = { STP_LONG },
				     .value_kind = STP_LONG, .max_entries = 300 };
	struct stp_map *m = stp_map_new(&spec);
	int n = 1 + (int)(rnd() % 300), i, err = 0, bad = 0;
	int dir = rnd() % 2 ? 1 : -1;
	int limit = rnd() % 3 ? (int)(rnd() % 41) : 0;
	int64_t spread = 1 + (int64_t)(rnd() % 50);
	struct map_root root;
	struct mlist_head *l;
	struct stp_map_entry *e;

	root.head.next = root.head.prev = &root.head;
	for (i = 0; i < n; i++) {
		union stp_arg k;

		nodes[i].key = i;
		nodes[i].value = (int64_t)(rnd() % (uint64_t)spread);
		/* insertion order: at the tail */
		mlist_add(&nodes[i].mn.lnode, root.head.prev);
		k.l = i;
		*stp_map_long(stp_map_insert(m, &k, &err)) = nodes[i].value;
	}
	/* SystemTap's dir is the other way round: -1 ascending */
	if (limit)
		_stp_map_sortn(&root, limit, 0, -dir, get_key);
	else
		_stp_map_sort(&root, 0, -dir, get_key);
	stp_map_sort(m, 0, dir, 0, limit);
	for (l = root.head.next, e = stp_map_first(m); l != &root.head;
	     l = l->next, e = stp_map_next(m, e))
		if (!e || stp_map_key(e, 0).l != ((struct node *)l)->key)
			break;
	if (l != &root.head || e) {
		if (drive_say())
			printf("%d entries, dir %d, limit %d: orders differ\n",
			       n, dir, limit);
		bad = 1;
	}
	stp_map_free(m);
	return bad;
}

const struct drive drive = { "random sorts", 20000, 99, 0, one };
