"""Framing a disclosure without pyld's general machinery: the framed, compacted tree built directly from
the expanded nodes, with pyld's own answers for every decision that depends on the context.

pyld frames in three passes over generic JSON (a node map, the frame matched against it, the result
compacted), and in compacting asks the context for every value again: 330 ms a generated disclosure,
70 % of publishing.  :func:`frame` walks the nodes once, following pyld's framing algorithm step by step
(the same order of properties and values, the same ``@embed`` rules — ``@once``, ``@always``, ``@never`` —,
the same circular-reference check, the same reverse-property lookup), and compacts each value as it is
placed.  What depends on the context — which term a property takes for a value of a given shape, whether
a value compacts to its bare string, how an IRI compacts — is asked of pyld's processor (the same
functions its compaction calls) once per shape and remembered, since the answer depends only on the shape:

* the term of a property for a value: the property, whether the value is a node (and whether its IRI
  is itself a term) or a literal with that datatype or language, and whether it is a reverse property;
* a literal's compacted form: the term and the literal's datatype or language (bare string or not).

Anything outside what budgetlod's frame and context use — ``@list``, blank nodes, ``@default`` and
``@preserve``, value patterns, ``@explicit``/``@requireAll``, ``@link``/``@last`` embedding, more or fewer
than one top-level match, scoped contexts, ``@index``/``@id``/``@type`` containers, a default language,
``@vocab`` — raises :class:`Unsupported`, and the caller frames with pyld instead.  ``tests/test_jsonld.py``
compares the result with stock pyld's, byte for byte, on the sample and generated disclosures.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

JsonObject = dict[str, Any]
Compacted = Any  # a compacted value: a string, or an object

CONTAINERS = {"@set", "@language"}
TERM_KEYS = {"@id", "@type", "@container", "@reverse", "@language", "_prefix", "_term_has_colon", "reverse"} | {
    "protected"
}
REACH = 64  # a node reaching more nodes than this is framed again wherever it is embedded
Output = list[tuple[str, JsonObject | None]]  # framed matches: (IRI, compacted node) or (IRI, None): a reference


class Unsupported(Exception):
    """The document or the frame uses something :func:`frame` does not do: frame it with pyld."""


class Compactor:
    """pyld's compaction decisions for one active context, remembered by the shape of the value.

    ``processor`` is a pyld ``JsonLdProcessor`` (budgetlod's), ``active`` the active context it
    processed, ``options`` the compaction options.  :meth:`fresh` gives one for a new document: the
    IRIs of one document are remembered for that document only (the shapes for every document).
    """

    def __init__(self, processor: Any, active: JsonObject, options: JsonObject) -> None:
        self.processor = processor
        self.active = active
        self.options = options
        mappings: dict[str, Any] = active["mappings"]
        self.mappings = mappings
        for key in ("@vocab", "@language", "@direction", "previousContext"):
            if key in active:
                raise Unsupported(f"context with {key}")
        for term, definition in mappings.items():
            if term.startswith("@"):
                raise Unsupported(f"keyword alias {term}")
            if definition is None:
                continue
            if set(definition) - TERM_KEYS or set(definition.get("@container", ())) - CONTAINERS:
                raise Unsupported(f"term {term}: {sorted(definition)}")
            if str(definition.get("@id", "")).startswith("@"):
                raise Unsupported(f"term {term} aliases a keyword")
        self.inverse = processor._get_inverse_context(active)
        self.none_key: str = processor._compact_iri(active, "@none")
        self.terms: dict[tuple[Any, ...], str] = {}
        self.shapes: dict[tuple[str, str, str | None], Any] = {}
        self.containers: dict[str, tuple[str, ...]] = {}
        self.coercions: dict[str, Any] = {}
        self.types: dict[str, str] = {}
        self.term_iris: dict[str, bool] = {}
        self.ids: dict[str, str] = {}

    def fresh(self, processor: Any) -> Compactor:
        """The same remembered shapes, a new processor and no remembered IRIs (for the next document)."""
        other = object.__new__(Compactor)
        other.__dict__.update(self.__dict__)
        other.processor = processor
        other.ids = {}
        return other

    # -- IRIs

    def node_id(self, iri: str) -> str:
        """A node's ``@id`` (or a reference's), compacted as pyld does: vocab off, against the base."""
        found = self.ids.get(iri)
        if found is None:
            found = self.ids[iri] = self.processor._compact_iri(
                self.active, iri, vocab=False, base=self.options.get("base", "")
            )
        return found

    def type_name(self, iri: str) -> str:
        found = self.types.get(iri)
        if found is None:
            found = self.types[iri] = self.processor._compact_iri(self.active, iri, vocab=True)
        return found

    def _iri_is_term(self, iri: str) -> bool:
        """Whether pyld's term selection sees a node's IRI as compacting to a term of that IRI."""
        if iri not in self.inverse:
            return False
        found = self.term_iris.get(iri)
        if found is None:
            term = self.processor._compact_iri(self.active, iri, None, vocab=True)
            mapping = self.mappings.get(term)
            found = self.term_iris[iri] = bool(term is not None and mapping and mapping["@id"] == iri)
        return found

    # -- terms and values

    def term(self, prop: str, value: JsonObject, reverse: bool = False) -> str:
        """The term (or compact IRI) pyld chooses for ``prop`` with this value."""
        if "@value" in value:
            if "@language" in value:
                key: tuple[Any, ...] = (prop, "@language", value["@language"], len(value), reverse)
            elif "@type" in value:
                key = (prop, "@type", value["@type"], len(value), reverse)
            else:
                key = (prop, "@null", None, len(value), reverse)
        else:
            key = (prop, "@id", self._iri_is_term(value["@id"]), 0, reverse)
        found = self.terms.get(key)
        if found is None:
            found = self.terms[key] = self.processor._compact_iri(self.active, prop, value, vocab=True, reverse=reverse)
        return found

    def container(self, term: str) -> tuple[str, ...]:
        found = self.containers.get(term)
        if found is None:
            value = self.mappings.get(term, {}) or {}
            raw = value.get("@container") or []
            found = self.containers[term] = tuple(raw if isinstance(raw, list) else [raw])
        return found

    def literal(self, term: str, value: JsonObject) -> Compacted:
        """A literal (an expanded value object) compacted for ``term``: its bare string, or a value object
        whose keys besides ``@value`` (``@type`` or ``@language``, as pyld compacts them) depend only on
        the term and the literal's datatype or language."""
        text = value["@value"]
        if not isinstance(text, str) or text == "@null" or "@index" in value or "@direction" in value:
            raise Unsupported("a literal pyld would treat specially")
        key = (term, value.get("@type") or "", value.get("@language"))
        shape = self.shapes.get(key, self)
        if shape is self:
            compacted = self.processor._compact_value(self.active, term, value, self.options)
            if not isinstance(compacted, dict):
                shape = None
            else:
                shape = {k: v for k, v in compacted.items() if k != "@value"}
                if compacted.get("@value") is not text or any(isinstance(v, list | dict) for v in shape.values()):
                    raise Unsupported("a value object of an unexpected shape")
            self.shapes[key] = shape
        return text if shape is None else {**shape, "@value": text}

    def reference(self, term: str, iri: str) -> Compacted:
        """A node reference compacted for ``term``: its IRI (coerced to ``@id``) or ``{"@id": …}``."""
        coercion = self.coercions.get(term, self)
        if coercion is self:
            entry = self.mappings.get(term) or {}
            coercion = self.coercions[term] = entry.get("@type")
        if coercion == "@vocab":
            raise Unsupported("@type: @vocab")
        compacted = self.node_id(iri)
        return compacted if coercion == "@id" else {"@id": compacted}

    def add(self, out: JsonObject, prop: str, value: JsonObject, compacted: Compacted) -> None:
        """Place one compacted value of expanded ``prop`` (``value`` its expanded form) in the node ``out``."""
        term = self.term(prop, value)
        container = self.container(term)
        if "@language" in container:
            language_map = out.setdefault(term, {})
            if isinstance(compacted, dict) and "@value" in compacted:
                compacted = compacted["@value"]
            _add(language_map, value.get("@language") or self.none_key, compacted, "@set" in container)
        else:
            _add(out, term, compacted, "@set" in container)

    def node(self, node: JsonObject) -> JsonObject:
        """An expanded node whose values are all references or literals, compacted (for ``@included``)."""
        out = self.start(node)
        for prop in sorted(node):
            if prop.startswith("@"):
                continue
            for value in node[prop]:
                self.add(out, prop, value, self.value(self.term(prop, value), value))
        return out

    def value(self, term: str, value: JsonObject) -> Compacted:
        if "@value" in value:
            return self.literal(term, value)
        if "@list" in value or len(value) != 1:
            raise Unsupported("a list or an unexpected value")
        return self.reference(term, value["@id"])

    def start(self, node: JsonObject) -> JsonObject:
        """A compacted node's ``@id`` and ``@type``."""
        out: JsonObject = {"@id": self.node_id(node["@id"])}
        types = node.get("@type")
        if types:
            names = [self.type_name(t) for t in types]
            out["@type"] = names[0] if len(names) == 1 else names
        return out


def _add(out: JsonObject, key: str, value: Any, as_array: bool) -> None:
    """pyld's ``add_value`` for one value (duplicates allowed)."""
    if key not in out:
        out[key] = [value] if as_array else value
    elif isinstance(out[key], list):
        out[key].append(value)
    else:
        out[key] = [out[key], value]


class _Framing:
    """One run of pyld's framing algorithm (``_match_frame``) over the nodes, compacting as it goes."""

    def __init__(self, nodes: Sequence[JsonObject], compactor: Compactor, default_embed: str) -> None:
        self.c = compactor
        self.default_embed = default_embed
        self.subjects: dict[str, JsonObject] = {}
        referenced: set[str] = set()
        self.reverse: dict[tuple[str, str], list[str]] | None = None
        for node in nodes:
            self.subjects[node["@id"]] = node
        for node in nodes:
            for prop, values in node.items():
                if prop.startswith("@"):
                    if prop not in ("@id", "@type"):
                        raise Unsupported(f"node with {prop}")
                    continue
                for value in values:
                    if "@id" in value:
                        if value["@id"].startswith("_:"):
                            raise Unsupported("blank node")
                        referenced.add(value["@id"])
                    elif "@value" not in value:
                        raise Unsupported("a list or an unexpected value")
        for iri in referenced - self.subjects.keys():
            self.subjects[iri] = {"@id": iri}
        self.order = sorted(self.subjects)
        self.index = {iri: n for n, iri in enumerate(self.order)}
        self.unique: set[str] = set()
        self.trail: list[str] = []  # every node embedded so far, in order
        self.memo: dict[str, tuple[JsonObject | None, list[str]]] = {}
        self.reaches: dict[str, frozenset[str] | None] = {}
        self.stack: list[str] = []
        self.embedded_ids: list[str] = []

    def referrers(self, prop: str, iri: str) -> list[str]:
        """The subjects (in pyld's order: by IRI) that have ``iri`` as a value of ``prop``."""
        if self.reverse is None:
            self.reverse = defaultdict(list)
            for subject in self.order:
                for name, values in self.subjects[subject].items():
                    if not name.startswith("@"):
                        for value in values:
                            if "@id" in value:
                                found = self.reverse[(name, value["@id"])]
                                if not found or found[-1] != subject:
                                    found.append(subject)
        return self.reverse.get((prop, iri), [])

    def matches(self, frame: JsonObject, subject: JsonObject) -> bool:
        """pyld's ``_filter_subject`` (``@requireAll`` off) for the frames :func:`frame` accepts."""
        wildcard, some = True, False
        for key in sorted(frame):
            if key == "@type":
                return any(t in subject.get("@type", ()) for t in frame["@type"])
            if key.startswith("@"):
                continue
            wildcard = False
            if subject.get(key):
                some = True
        return wildcard or some

    def match(self, ids: list[str], frame: JsonObject, embedded: bool, top: bool) -> Output:
        """The framed outputs of ``ids``, in order: (IRI, compacted node) or (IRI, None) for a reference.

        A frame without ``@embed`` takes the default (``@once``); the implicit frame of a property the
        frame does not name carries its parent's flag, as pyld's ``_create_implicit_frame`` does."""
        flag = frame.get("@embed", [self.default_embed])[0]
        if flag not in ("@once", "@always", "@never"):
            raise Unsupported(f"@embed {flag}")
        out: Output = []
        for iri in sorted(i for i in ids if self.matches(frame, self.subjects[i])):
            if top:
                self.unique = set()
            if not embedded and iri in self.unique:
                continue
            if embedded and (flag == "@never" or iri in self.stack[:-1]):
                out.append((iri, None))
                continue
            if embedded and flag == "@once" and iri in self.unique:
                out.append((iri, None))
                continue
            reach = self.reach(iri) if flag == "@always" and embedded and frame.keys() == {"@embed"} else None
            if reach is not None and not any(s in reach for s in self.stack):
                out.append((iri, self.always(iri, frame, top)))
                continue
            self.unique.add(iri)
            self.trail.append(iri)
            self.stack.append(iri)
            out.append((iri, self.embed(self.subjects[iri], frame, flag, embedded, top)))
            self.stack.pop()
        return out

    def always(self, iri: str, frame: JsonObject, top: bool) -> JsonObject | None:
        """A node embedded with ``@always`` under an implicit frame, none of whose reachable nodes is on the
        stack: its tree is then the same wherever it is embedded (no circular reference to cut), so it is
        framed once a document and reused; the nodes it embeds are marked embedded (pyld's ``uniqueEmbeds``)
        each time, as pyld's walk would."""
        hit = self.memo.get(iri)
        if hit is not None:
            self.unique.update(hit[1])
            return hit[0]
        start = len(self.trail)
        self.unique.add(iri)
        self.trail.append(iri)
        self.stack.append(iri)
        node = self.embed(self.subjects[iri], frame, "@always", True, top)
        self.stack.pop()
        self.memo[iri] = (node, self.trail[start:])
        return node

    def reach(self, iri: str) -> frozenset[str] | None:
        """The node and every node reachable from it through references; None past :data:`REACH` nodes."""
        if iri in self.reaches:
            return self.reaches[iri]
        seen = {iri}
        todo = [iri]
        while todo and len(seen) <= REACH:
            for name, values in self.subjects[todo.pop()].items():
                if not name.startswith("@"):
                    for value in values:
                        if "@id" in value and value["@id"] not in seen:
                            seen.add(value["@id"])
                            todo.append(value["@id"])
        found = frozenset(seen) if len(seen) <= REACH and not todo else None
        self.reaches[iri] = found
        return found

    def embed(self, subject: JsonObject, frame: JsonObject, flag: str, embedded: bool, top: bool) -> JsonObject | None:
        """The subject embedded under ``frame``: its compacted node, or None when it has nothing but its IRI."""
        c = self.c
        out = c.start(subject)
        implicit: JsonObject = {"@embed": [flag]}
        placed: set[str] = set()
        for prop in sorted(subject):
            if prop.startswith("@"):
                continue
            subframe = frame[prop][0] if prop in frame else implicit
            for value in subject[prop]:
                if "@id" in value:
                    term = c.term(prop, value)
                    for iri, node in self.match([value["@id"]], subframe, True, False):
                        c.add(out, prop, value, c.reference(term, iri) if node is None else node)
                        placed.add(prop)
                else:
                    if any(k in subframe for k in ("@value", "@type", "@language")):
                        raise Unsupported("a value pattern in the frame")
                    c.add(out, prop, value, c.literal(c.term(prop, value), value))
                    placed.add(prop)
        for prop in frame:
            if not prop.startswith("@") and prop not in placed:
                raise Unsupported("a default value (@preserve)")
        for reverse_prop, subframes in sorted(frame.get("@reverse", {}).items()):
            referrers = self.referrers(reverse_prop, subject["@id"])
            if not referrers:
                continue
            items = [item for r in referrers for item in self.match([r], subframes[0], embedded, top)]
            if not items:
                raise Unsupported("an empty reverse property")
            for iri, node in items:
                term = c.term(reverse_prop, {"@id": iri}, reverse=True)
                mapping = c.mappings.get(term)
                if not mapping or not mapping.get("reverse") or "@set" not in c.container(term):
                    raise Unsupported("a reverse property without a reverse set term")
                _add(out, term, c.reference(term, iri) if node is None else node, True)
        if len(out) == 1:
            return None
        self.embedded_ids.append(out["@id"])
        return out


def check_frame(frame: JsonObject) -> None:
    """Raise :class:`Unsupported` for an expanded frame using more than ``@type``, ``@reverse``, ``@embed``."""
    for key, value in frame.items():
        if key == "@type":
            if not value or not all(isinstance(t, str) and not t.startswith("_:") for t in value):
                raise Unsupported("@type pattern")
        elif key == "@reverse":
            for sub in value.values():
                if len(sub) != 1:
                    raise Unsupported("frame")
                check_frame(sub[0])
        elif key == "@embed":
            if value[0] not in ("@once", "@always", "@never"):
                raise Unsupported(f"@embed {value[0]}")
        elif key.startswith("@"):
            raise Unsupported(f"frame keyword {key}")
        else:
            if len(value) != 1 or not isinstance(value[0], dict):
                raise Unsupported("frame")
            check_frame(value[0])


def frame(
    nodes: Sequence[JsonObject], expanded_frame: JsonObject, compactor: Compactor, embed: str = "@once"
) -> tuple[JsonObject, list[str]]:
    """The framed, compacted document (without ``@context``) of the expanded ``nodes``, and the compacted
    ``@id`` of every node it embeds. Raises :class:`Unsupported` where pyld must do it."""
    check_frame(expanded_frame)
    run = _Framing(nodes, compactor, embed)
    top = run.match(run.order, expanded_frame, False, True)
    if len(top) != 1 or top[0][1] is None:
        raise Unsupported("not exactly one top-level node")
    return top[0][1], run.embedded_ids


def compact_nodes(nodes: Sequence[JsonObject], compactor: Compactor) -> list[JsonObject]:
    """Expanded nodes (values: references and literals) compacted one by one, as pyld's ``@graph``."""
    return [compactor.node(node) for node in nodes]
