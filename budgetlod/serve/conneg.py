"""Content negotiation for the Linked Data pages: which representation, which language.

Representations: HTML (``text/html``, also for ``application/xhtml+xml``), Turtle (``text/turtle``),
JSON-LD (``application/ld+json``, also for ``application/json``), N-Triples (``application/n-triples``).

* A suffix (``.html``, ``.ttl``, ``.jsonld``, ``.nt``) chooses the representation; Accept is then ignored.
* Otherwise the Accept header does (RFC 9110 §12.5.1): each representation gets the q of the most specific
  media range matching it (``text/html`` before ``text/*`` before ``*/*``); the highest q wins; on equal q a
  representation named explicitly beats one matched by a wildcard, then Turtle, HTML, JSON-LD, N-Triples.
  Browsers name ``text/html`` explicitly and get HTML; a client sending no Accept or only ``*/*`` (curl,
  scripts) gets Turtle: the Linked Data convention of HTML for people, RDF for programs.
* Nothing acceptable (``Accept: image/png``) -> 406 with the list of what is available.

Language of the HTML pages: ``?lang=zh|en``, else the first of zh/en in Accept-Language (by q), else zh.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Representation:
    key: str  # html | ttl | jsonld | nt (also the name budgetlod.rdf.formats uses)
    suffix: str
    media_type: str
    also: tuple[str, ...] = ()  # other media types that select it

    @property
    def content_type(self) -> str:
        return f"{self.media_type}; charset=utf-8" if self.media_type.startswith("text/") else self.media_type


HTML = Representation("html", ".html", "text/html", ("application/xhtml+xml",))
TURTLE = Representation("ttl", ".ttl", "text/turtle", ("application/x-turtle",))
JSONLD = Representation("jsonld", ".jsonld", "application/ld+json", ("application/json",))
NTRIPLES = Representation("nt", ".nt", "application/n-triples", ())
REPRESENTATIONS = (TURTLE, HTML, JSONLD, NTRIPLES)  # the order breaks ties
RDF_REPRESENTATIONS = (TURTLE, JSONLD, NTRIPLES)
LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"


def split_suffix(path: str) -> tuple[str, Representation | None]:
    """``…/t03.ttl`` -> (``…/t03``, Turtle); a path without a known suffix -> (path, None)."""
    for rep in REPRESENTATIONS:
        if path.endswith(rep.suffix) and not path.endswith("/" + rep.suffix):
            return path[: -len(rep.suffix)], rep
    return path, None


def parse_accept(header: str) -> list[tuple[str, float]]:
    """``"text/html;q=0.9, */*;q=0.1"`` -> [("text/html", 0.9), ("*/*", 0.1)]; malformed ranges are skipped."""
    ranges: list[tuple[str, float]] = []
    for part in header.split(","):
        media, *params = (piece.strip() for piece in part.split(";"))
        media = media.lower()
        if media.count("/") != 1 or not all(media.split("/")):
            continue
        q = 1.0
        for param in params:
            name, _, raw = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(max(float(raw.strip()), 0.0), 1.0)
                except ValueError:
                    q = -1.0
        if q >= 0:
            ranges.append((media, q))
    return ranges


def _quality(media_type: str, ranges: list[tuple[str, float]]) -> tuple[float, int]:
    """(q, specificity) of the most specific range matching; (0, -1) when none does."""
    kind = media_type.split("/")[0]
    best: tuple[float, int] = (0.0, -1)
    for media, q in ranges:
        if media == media_type:
            specificity = 2
        elif media == f"{kind}/*":
            specificity = 1
        elif media == "*/*":
            specificity = 0
        else:
            continue
        if specificity > best[1]:
            best = (q, specificity)
    return best


def negotiate(accept: str | None, offered: tuple[Representation, ...] = REPRESENTATIONS) -> Representation | None:
    """The representation to answer with, or None when the client accepts none of them (406)."""
    if not accept or not accept.strip():
        return TURTLE if TURTLE in offered else offered[0]
    ranges = parse_accept(accept)
    if not ranges:
        return TURTLE if TURTLE in offered else offered[0]
    scored: list[tuple[float, int, int, Representation]] = []
    for order, rep in enumerate(offered):
        named = [q for q, specificity in (_quality(m, ranges) for m in (rep.media_type, *rep.also)) if specificity == 2]
        # named explicitly (by any of its media types): that q; else what a wildcard gives its media type
        q, explicit = (max(named), 1) if named else (_quality(rep.media_type, ranges)[0], 0)
        if q > 0:
            scored.append((q, explicit, -order, rep))
    if not scored:
        return None
    return max(scored, key=lambda item: item[:3])[3]


def language(query_lang: str | None, accept_language: str | None) -> tuple[str, bool]:
    """(language, whether Accept-Language decided it)."""
    if query_lang and query_lang.lower() in LANGUAGES:
        return query_lang.lower(), False
    if accept_language:
        tags: list[tuple[float, int, str]] = []
        for order, part in enumerate(accept_language.split(",")):
            tag, *params = (piece.strip() for piece in part.split(";"))
            q = 1.0
            for param in params:
                name, _, raw = param.partition("=")
                if name.strip().lower() == "q":
                    try:
                        q = float(raw.strip())
                    except ValueError:
                        q = 0.0
            if q > 0:
                tags.append((q, -order, tag.split("-")[0].lower()))
        for _, _, primary in sorted(tags, reverse=True):
            if primary in LANGUAGES:
                return primary, True
    return DEFAULT_LANGUAGE, bool(accept_language)
