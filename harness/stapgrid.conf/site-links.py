#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# The published site's links (grid-certify.exp): every page reachable from
# index.html, every href and src in it followed; a local target that does
# not exist is broken, one outside the site's folder (or file://, or an
# absolute path) breaks self-containment.  http(s) links (a LAVA lab's job
# pages) are counted, not followed.  Exit 1 on any broken or outside link.
# usage: site-links.py SITE_DIR
import os, sys, html.parser, urllib.parse
root = os.path.realpath(sys.argv[1])
class P(html.parser.HTMLParser):
    def __init__(s): super().__init__(); s.links = []
    def handle_starttag(s, tag, attrs):
        for k, v in attrs:
            if k in ("href", "src") and v: s.links.append(v)
seen, todo, broken, outside, ext = set(), ["index.html"], [], [], 0
while todo:
    page = todo.pop()
    if page in seen: continue
    seen.add(page)
    p = P(); p.feed(open(os.path.join(root, page), encoding="utf-8", errors="replace").read())
    for l in p.links:
        u = urllib.parse.urlsplit(l)
        if u.scheme in ("http", "https"): ext += 1; continue
        if u.scheme or l.startswith("/"): outside.append((page, l)); continue
        if not u.path: continue
        t = os.path.normpath(os.path.join(os.path.dirname(page), urllib.parse.unquote(u.path)))
        full = os.path.realpath(os.path.join(root, t))
        if not full.startswith(root + os.sep): outside.append((page, l)); continue
        if not os.path.exists(full): broken.append((page, l)); continue
        if t.endswith(".html"): todo.append(t)
for b in broken[:20]: print("broken:", *b)
for o in outside[:20]: print("outside:", *o)
print("pages", len(seen), "broken", len(broken), "outside", len(outside), "external", ext)
sys.exit(1 if broken or outside else 0)
