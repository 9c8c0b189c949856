#!/usr/bin/env python3
"""test/page.py - what test/report.sh checks of an HTML report's source.

  page.py FILE.html [LAYER...]

Prints one line per problem and exits 1 if there is any:
  - a reference to anything outside the page: src=, href=, url(,
    @import, <link, <script, <iframe, <object, <embed, or any http(s):
    but the SVG namespace (the page must be self-contained);
  - HTML tags left open or closed out of order;
  - an inline <svg> that is not well-formed XML (an unescaped name);
Then, for each LAYER, a line "LAYER rows=R charts=C marked=M": the
table rows that start with it, the charts that have a row for it, and
how many of those rows and charts mark it as having no figures (a
table row of class "unmapped", a chart row with its mark beside it).
"""
import html.parser
import re
import sys
import xml.etree.ElementTree as ET

VOID = {"meta", "br", "hr", "img", "input", "link", "col", "wbr"}


class Tags(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack, self.problems = [], []

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        pass

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.problems.append("</%s> closes <%s>" % (
                tag, self.stack[-1] if self.stack else "nothing"))
        else:
            self.stack.pop()


def main():
    path, layers = sys.argv[1], sys.argv[2:]
    text = open(path, encoding="utf-8").read()
    problems = []
    bare = text.replace('xmlns="http://www.w3.org/2000/svg"', "")
    for pat in (r"\bsrc\s*=", r"\bhref\s*=", r"url\s*\(", r"@import",
                r"<link\b", r"<script\b", r"<iframe\b", r"<object\b",
                r"<embed\b", r"https?:"):
        for m in re.finditer(pat, bare, re.I):
            problems.append("external reference %r: ...%s..." % (
                m.group(0), bare[max(0, m.start() - 40):m.end() + 40]))
    t = Tags()
    t.feed(text)
    t.close()
    problems += t.problems
    if t.stack:
        problems.append("tags left open: %s" % " ".join(t.stack))
    svgs = re.findall(r"<svg\b.*?</svg>", text, re.S)
    for k, s in enumerate(svgs):
        try:
            ET.fromstring(s)
        except ET.ParseError as e:
            problems.append("chart %d is not well-formed XML: %s" % (k + 1, e))
    for p in problems:
        print("PROBLEM", p)
    esc = html.escape
    for name in layers:
        n = esc(name)
        rows = len(re.findall(r'<tr[^>]*><td class="l">%s</td>' %
                              re.escape(n), text))
        unrow = len(re.findall(r'<tr class="unmapped"><td class="l">%s</td>'
                               % re.escape(n), text))
        label = r"<title>%s</title>[^<]*</text>" % re.escape(n)
        charts = sum(1 for s in svgs if re.search(label, s))
        marked = sum(1 for s in svgs if re.search(
            label + r'\s*<text[^>]*font-style="italic">[^<]+</text>', s))
        print("%s rows=%d charts=%d marked=%d" % (name, rows, charts,
                                                  unrow + marked))
    sys.exit(1 if problems else 0)


main()
