"""Plain text from what a user hands over: text, HTML or Markdown.

An optional front matter (``published: YYYY-MM-DD`` lines before a ``---`` line) or an HTML
``article:published_time`` meta tag gives the publication date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

__all__ = ["Document", "to_document"]

_BLOCK = {
    "p",
    "div",
    "br",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
    "section",
    "article",
    "header",
    "footer",
    "blockquote",
    "table",
    "ul",
    "ol",
    "title",
}
_SKIP = {"script", "style", "noscript", "svg", "head"}
_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})")


@dataclass(frozen=True)
class Document:
    """Text ready for extraction.

    Attributes
    ----------
    text
        Plain text (one paragraph or table row per line).
    published
        Publication date found in the input (front matter or HTML meta), else None.
    published_from
        Where it was found (``"front matter"``, ``"html meta"``).
    fmt
        ``text``, ``html`` or ``markdown``.
    """

    text: str
    published: str | None
    published_from: str | None
    fmt: str


class _Html(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0
        self.published: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skip += 1
        if tag == "meta":
            a = {k.lower(): (v or "") for k, v in attrs}
            key = (a.get("property") or a.get("name") or a.get("itemprop") or "").lower()
            if key in ("article:published_time", "datepublished", "date", "pubdate"):
                m = _DATE.search(a.get("content", ""))
                if m and self.published is None:
                    self.published = m.group(1)
        if tag in _BLOCK:
            self.parts.append("\n")
        if tag in ("td", "th"):
            self.parts.append(" | ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP and self.skip:
            self.skip -= 1
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def _squeeze(text: str) -> str:
    lines = [re.sub(r"[ \t]+", " ", ln).strip() for ln in text.splitlines()]
    return "\n".join(ln for ln in lines if ln)


def _markdown(text: str) -> str:
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", text)  # images
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)  # links
    text = re.sub(r"(?m)^\s{0,3}#{1,6}\s*", "", text)  # headings
    text = re.sub(r"(\*\*|__)(.+?)\1", r"\2", text)
    text = re.sub(r"(?<!\w)[*_](\S.*?\S|\S)[*_](?!\w)", r"\1", text)
    text = re.sub(r"`([^`]*)`", r"\1", text)
    return text


def to_document(raw: str) -> Document:
    """Detect the format, drop markup and read a publication date if the input has one.

    Parameters
    ----------
    raw
        The input as text.

    Returns
    -------
    Document
        The plain text and what was found about it.
    """
    published: str | None = None
    where: str | None = None
    body = raw
    head = re.match(r"\A((?:[A-Za-z_]+:[^\n]*\n){1,20})---[ \t]*\n", raw)
    if head:
        m = re.search(r"(?mi)^(?:published|date):\s*(\d{4}-\d{2}-\d{2})", head.group(1))
        if m:
            published, where = m.group(1), "front matter"
        body = raw[head.end() :]
    if re.search(r"(?i)<(?:html|body|p|div|article)\b", body[:5000]):
        parser = _Html()
        parser.feed(body)
        parser.close()
        if published is None and parser.published is not None:
            published, where = parser.published, "html meta"
        return Document(_squeeze("".join(parser.parts)), published, where, "html")
    if re.search(r"(?m)^\s{0,3}#{1,6}\s|\[[^\]]+\]\([^)]+\)|\*\*\w", body):
        return Document(_squeeze(_markdown(body)), published, where, "markdown")
    return Document(body.strip("\n"), published, where, "text")
