#!/usr/bin/env python3
"""Trunk post-build hook: moves the inline start-up script trunk writes into index.html into a file
of its own, so the page's Content-Security-Policy can forbid inline script (script-src 'self')."""
import hashlib
import os
import re
import sys

staging = os.environ.get("TRUNK_STAGING_DIR") or (sys.argv[1] if len(sys.argv) > 1 else "dist")
index = os.path.join(staging, "index.html")
html = open(index, encoding="utf-8").read()

if "Content-Security-Policy" not in html:
    sys.exit("csp.py: index.html has no Content-Security-Policy")

moved = 0


def external(m):
    global moved
    attrs, body = m.group(1), m.group(2)
    if "src=" in attrs or not body.strip():
        return m.group(0)
    name = "canopy-start-%s.js" % hashlib.sha256(body.encode()).hexdigest()[:16]
    with open(os.path.join(staging, name), "w", encoding="utf-8") as f:
        f.write(body.strip() + "\n")
    moved += 1
    return '<script%s src="./%s"></script>' % (attrs, name)


html = re.sub(r"<script([^>]*)>(.*?)</script>", external, html, flags=re.S)
if moved == 0:
    sys.exit("csp.py: no inline script found in index.html (did trunk change how it starts the app?)")
open(index, "w", encoding="utf-8").write(html)

# every other page shipped (the embed example) must carry a policy too, and nothing inline that
# it would refuse: a page on Canopy's origin without one could run script as Canopy
for name in sorted(os.listdir(staging)):
    if not name.endswith(".html") or name == "index.html":
        continue
    page = open(os.path.join(staging, name), encoding="utf-8").read()
    if "Content-Security-Policy" not in page:
        sys.exit("csp.py: %s has no Content-Security-Policy" % name)
    if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page) or re.search(r"<style|\sstyle=|\son[a-z]+=", page, re.I):
        sys.exit("csp.py: %s has inline script or style, which its policy refuses" % name)
