// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * gchart.c - the site's one chart writer: horizontal bars as plain SVG
 * (no scripts), for the overhead ratios of a run's perf jobs and the
 * tables perf-bench writes into results/bench/.
 */
#include "grid.h"

#define BAR_LABEL 170 /* px for the bars' names */
#define BAR_AREA 380  /* px for the longest bar */
#define BAR_ROW 20

/* The scale's end: the longest bar or the mark, whichever is longer. */
static double chart_top(const struct g_chart *c)
{
	double top = c->mark_label ? c->mark : 0;

	for (size_t i = 0; i < c->n; i++)
		if (c->bars[i].valid && c->bars[i].value > top)
			top = c->bars[i].value;
	return top > 0 ? top : 1;
}

static void chart_bar(sbuf *b, const struct g_chart *c, const struct g_bar *bar, int y,
		      double scale)
{
	/* A noisy measurement can dip below zero: no bar, its label. */
	double len = bar->value > 0 ? bar->value * scale : 0;

	sb_addf(b, "<text x='%d' y='%d' text-anchor='end'>", BAR_LABEL - 6, y + 11);
	sb_addxml(b, bar->label);
	sb_add(b, "</text>");
	if (!bar->valid) {
		sb_addf(b, "<text x='%d' y='%d' fill='#888'>", BAR_LABEL + 4, y + 11);
		sb_addxml(b, c->none);
		sb_add(b, "</text>\n");
		return;
	}
	sb_addf(b, "<rect x='%d' y='%d' width='%.1f' height='14' fill='%s'/><text x='%.1f' y='%d'>%.*f</text>\n",
		BAR_LABEL, y, len, bar->muted ? "#999" : "#4a7bd0", BAR_LABEL + len + 4, y + 11,
		c->digits, bar->value);
}

void g_chart_svg(sbuf *b, const struct g_chart *c)
{
	double scale = BAR_AREA / (chart_top(c) * 1.05);
	int y = 24, h = y + (int)c->n * BAR_ROW + 22, w = BAR_LABEL + BAR_AREA + 90;

	sb_addf(b, "<svg xmlns='http://www.w3.org/2000/svg' class='perfchart' width='%d' height='%d' "
		   "viewBox='0 0 %d %d' role='img' font-family='sans-serif' font-size='12'>", w, h, w, h);
	sb_add(b, "<title>");
	sb_addxml(b, c->tip);
	sb_add(b, "</title><text x='4' y='14' font-weight='bold'>");
	sb_addxml(b, c->title);
	sb_add(b, "</text>\n");
	for (size_t i = 0; i < c->n; i++, y += BAR_ROW)
		chart_bar(b, c, &c->bars[i], y, scale);
	if (c->mark_label) {
		double x = BAR_LABEL + c->mark * scale;

		sb_addf(b, "<line x1='%.1f' y1='20' x2='%.1f' y2='%d' stroke='#c00' stroke-dasharray='4 3'/>"
			   "<text x='%.1f' y='%d' fill='#c00' text-anchor='middle'>", x, x, y, x, y + 14);
		sb_addxml(b, c->mark_label);
		sb_add(b, "</text>");
	}
	sb_add(b, "</svg>\n");
}
