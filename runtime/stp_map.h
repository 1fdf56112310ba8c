/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * stp_map.h - the script's associative arrays.
 *
 * A map is allocated once, when the program starts (stp_map_new), for its
 * maximum number of entries, and never allocates again: inserting into a
 * full map fails (STP_EFULL: "array overflow, check MAXMAPENTRIES"), or,
 * for a wrapping map (global a%), replaces the oldest entry.  Keys are 1
 * to 9 numbers or strings; values a number, a string or a statistic.
 * Iteration follows insertion order until stp_map_sort() reorders the
 * entries, as SystemTap's "foreach (k in a)" does; setting an existing
 * entry keeps its place, removing and re-inserting moves it to the end.
 * Maps do no locking: the caller holds the variable's lock.
 */
#ifndef STP_MAP_H
#define STP_MAP_H

#include "stp_types.h"
#include "stp_stat.h"

struct stp_map_spec {
	const char *name;		/* for messages */
	int nkeys;			/* 1..STP_MAX_KEYS */
	enum stp_kind key_kind[STP_MAX_KEYS];
	enum stp_kind value_kind;
	uint32_t max_entries;		/* [N], or MAXMAPENTRIES (also if 0) */
	bool wrap;			/* global a%: evict the oldest */
	struct stp_hist_spec hist;	/* STP_STAT values */
};

struct stp_map;
struct stp_map_entry;

/* At start-up (allocates through stp_alloc, stp_platform.h); NULL if
 * memory is short or SPEC is invalid (nkeys, kinds). */
struct stp_map *stp_map_new(const struct stp_map_spec *spec);
void stp_map_free(struct stp_map *map);

/* The entry with these keys, or NULL. */
struct stp_map_entry *stp_map_find(struct stp_map *map,
				   const union stp_arg *keys);

/*
 * The entry with these keys, created if missing (value 0, "" or an empty
 * statistic).  NULL and *err = STP_EFULL when the map is full and does not
 * wrap; a full wrapping map first removes the entry stp_map_first()
 * would return (the oldest, unless a sort reordered them: SystemTap
 * takes the head of its list too).  String keys longer than
 * MAXSTRINGLEN - 1 are truncated, for lookups as for inserts.
 */
struct stp_map_entry *stp_map_insert(struct stp_map *map,
				     const union stp_arg *keys, int *err);

/* Remove E (O(1)).  During an iteration, take stp_map_next() first. */
void stp_map_remove(struct stp_map *map, struct stp_map_entry *e);
void stp_map_clear(struct stp_map *map);
uint32_t stp_map_size(const struct stp_map *map);

/* An entry's parts. */
union stp_arg stp_map_key(const struct stp_map_entry *e, int i);
int64_t *stp_map_long(struct stp_map_entry *e);
char *stp_map_string(struct stp_map_entry *e);	/* MAXSTRINGLEN bytes */
struct stp_stat *stp_map_stat(struct stp_map_entry *e);

/* Does E match KEYS, where WILD has bit i set for a '*' at key i? */
bool stp_map_matches(const struct stp_map_entry *e, const union stp_arg *keys,
		     unsigned int wild);

/* Iteration: the order of insertion, or of the last sort. */
struct stp_map_entry *stp_map_first(struct stp_map *map);
struct stp_map_entry *stp_map_next(struct stp_map *map,
				   struct stp_map_entry *e);

/*
 * Per-cpu arrays: add every entry of PART into AGG (same spec), in
 * PART's order: numbers are summed, strings appended, statistics merged
 * (stp_stat_merge, pairwise as SystemTap aggregates its pmaps).  Returns
 * 0, STP_EFULL when AGG overflows, STP_EINVAL for different shapes.
 * (SystemTap walks its per-cpu hash chains instead, so the unsorted
 * order of an aggregated array may differ from it.)
 */
int stp_map_aggregate(struct stp_map *agg, struct stp_map *part);

/*
 * Reorder the entries for a sorted foreach: by key K (1..nkeys) or by the
 * value (K = 0; for statistics by OP, @count when OP is 0), ascending
 * when DIR > 0, descending when DIR < 0.  Stable: equal entries keep
 * their order.  Numbers compare as signed 64-bit, strings as strcmp,
 * statistics by stp_stat_value() (STP_VARIANCE sorts by the variance;
 * SystemTap 4.8's translator sorts "@variance" by @count).  LIMIT > 0
 * says only the first LIMIT entries will be visited: up to 30 (SystemTap's
 * threshold) only they are ordered, in O(LIMIT * size), and the rest are
 * left in the order SystemTap's _stp_map_sortn leaves them; otherwise
 * (and for LIMIT <= 0: no limit) a merge sort.  No allocation, no
 * recursion.
 */
void stp_map_sort(struct stp_map *map, int key, int dir, enum stp_statop op,
		  int64_t limit);

#endif /* STP_MAP_H */
