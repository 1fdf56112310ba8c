/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shims under which SystemTap's map sorts (runtime/map.c: _stp_cmp,
 * _stp_swap, _stp_map_sort, _stp_map_sortn) compile in user space
 * (oracle.sh appends them from the installed sources): a kernel-style
 * circular list, and the few map types they use.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct mlist_head {
	struct mlist_head *next, *prev;
};

static inline struct mlist_head *mlist_next(struct mlist_head *h)
{
	return h->next;
}

static inline struct mlist_head *mlist_prev(struct mlist_head *h)
{
	return h->prev;
}

static inline int mlist_empty(const struct mlist_head *h)
{
	return h->next == h;
}

static inline void mlist_del(struct mlist_head *e)
{
	e->prev->next = e->next;
	e->next->prev = e->prev;
}

/* The kernel's list_add: E right after HEAD. */
static inline void mlist_add(struct mlist_head *e, struct mlist_head *head)
{
	e->next = head->next;
	e->prev = head;
	head->next->prev = e;
	head->next = e;
}

#define mlist_entry(p, type, member) \
	((type *)((char *)(p) - offsetof(type, member)))

#define INT64 0
#define STRING 1
#define STAT 2
#define END 3

struct stat_data {
	int shift;
	int stat_ops;
	int64_t count, sum, min, max, avg_s, _M2, variance, variance_s;
};
typedef struct stat_data stat_data;

typedef union {
	int64_t val;
	char *strp;
	stat_data *statp;
} key_data;

struct map_node {
	struct mlist_head lnode;
};
#define mlist_map_node(head) mlist_entry((head), struct map_node, lnode)

struct map_root {
	struct mlist_head head;
};
typedef struct map_root *MAP;

typedef key_data (*map_get_key_fn)(struct map_node *mn, int n, int *type);

static inline int64_t _stp_div64(const char **err, int64_t x, int64_t y)
{
	(void)err;
	if (y == 0)
		return 0;
	return y == -1 ? -x : x / y;
}
