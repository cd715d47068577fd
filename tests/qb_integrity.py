"""The W3C RDF Data Cube integrity constraints, run as the Recommendation writes them.

Source: W3C Recommendation "The RDF Data Cube Vocabulary", 16 January 2014
(https://www.w3.org/TR/2014/REC-vocab-data-cube-20140116/), section 10 "Well-formed cubes":

* 10.2 "Normalization" — the two SPARQL Update requests of the normalization algorithm
  (:data:`PHASE_1`, type and property closure; :data:`PHASE_2`, push down attachment levels);
* 10.3 "Integrity constraints" — the ``ASK`` queries IC-1 … IC-21.

The query and update texts below are transcribed verbatim, comments and indentation included
(trailing blanks at the end of a few IC-17 lines dropped), with two changes: the prefix
declarations the section assumes (``rdf``, ``rdfs``, ``skos``, ``qb``, ``xsd``, ``owl``) are given
to the engine with each query (:data:`PREFIXES`); IC-17's ``HAVING (?count != ?numMeasures)`` is
run as ``HAVING (COUNT(?obs2) != ?numMeasures)``, because SPARQL 1.1 evaluates HAVING before the
SELECT alias ``?count`` is bound, so the published form can never be true on a conforming engine
(see ``_IC_17_HAVING``). IC-19 is two ``ASK`` queries (code list a ``skos:ConceptScheme`` / a
``skos:Collection``); it is violated when either is true. IC-20 and IC-21 are templates: for
each ``?p`` found by the constraint's own ``SELECT`` query, ``$p`` is replaced by that property's
IRI and the ``ASK`` query is run; the constraint is violated when any instance is true (and holds
when there is no ``?p``).

In the Recommendation an ``ASK`` query returns *true* when the constraint is **violated**;
:func:`check` reports the opposite, *true* when the constraint **holds**.

The constraints read the default graph only. The caller passes a store whose default graph is the
union of everything that makes up the cube — observations, data set, DSD, component properties and
code lists — for instance by loading all of them into the default graph of a fresh in-memory
``pyoxigraph.Store()`` (what :func:`violations` does). The constraints apply to the *normalized*
graph, so run :func:`normalize` on the store before :func:`check`.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pyoxigraph as ox

__all__ = ["PHASE_1", "PHASE_2", "PREFIXES", "check", "ic_queries", "load_union", "normalize", "violations"]

#: The prefixes section 10 assumes in its queries.
PREFIXES: dict[str, str] = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "qb": "http://purl.org/linked-data/cube#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
}

# --- 10.2 Normalization algorithm -------------------------------------------------------------

#: Phase 1: Type and property closure.
PHASE_1 = """\
PREFIX rdf:            <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX qb:             <http://purl.org/linked-data/cube#>

INSERT {
    ?o rdf:type qb:Observation .
} WHERE {
    [] qb:observation ?o .
};

INSERT {
    ?o  rdf:type qb:Observation .
    ?ds rdf:type qb:DataSet .
} WHERE {
    ?o qb:dataSet ?ds .
};

INSERT {
    ?s rdf:type qb:Slice .
} WHERE {
    [] qb:slice ?s.
};

INSERT {
    ?cs qb:componentProperty ?p .
    ?p  rdf:type qb:DimensionProperty .
} WHERE {
    ?cs qb:dimension ?p .
};

INSERT {
    ?cs qb:componentProperty ?p .
    ?p  rdf:type qb:MeasureProperty .
} WHERE {
    ?cs qb:measure ?p .
};

INSERT {
    ?cs qb:componentProperty ?p .
    ?p  rdf:type qb:AttributeProperty .
} WHERE {
    ?cs qb:attribute ?p .
}
"""

#: Phase 2: Push down attachment levels.
PHASE_2 = """\
PREFIX qb:             <http://purl.org/linked-data/cube#>

# Dataset attachments
INSERT {
    ?obs  ?comp ?value
} WHERE {
    ?spec    qb:componentProperty ?comp ;
             qb:componentAttachment qb:DataSet .
    ?dataset qb:structure [qb:component ?spec];
             ?comp ?value .
    ?obs     qb:dataSet ?dataset.
};

# Slice attachments
INSERT {
    ?obs  ?comp ?value
} WHERE {
    ?spec    qb:componentProperty ?comp;
             qb:componentAttachment qb:Slice .
    ?dataset qb:structure [qb:component ?spec];
             qb:slice ?slice .
    ?slice ?comp ?value;
           qb:observation ?obs .
};

# Dimension values on slices
INSERT {
    ?obs  ?comp ?value
} WHERE {
    ?spec    qb:componentProperty ?comp .
    ?comp a  qb:DimensionProperty .
    ?dataset qb:structure [qb:component ?spec];
             qb:slice ?slice .
    ?slice ?comp ?value;
           qb:observation ?obs .
}
"""

# --- 10.3 Integrity constraints: each true when the constraint is VIOLATED ------------------------

_ASK: dict[str, str] = {
    # IC-1. Unique DataSet
    "IC-1": """\
ASK {
  {
    # Check observation has a data set
    ?obs a qb:Observation .
    FILTER NOT EXISTS { ?obs qb:dataSet ?dataset1 . }
  } UNION {
    # Check has just one data set
    ?obs a qb:Observation ;
       qb:dataSet ?dataset1, ?dataset2 .
    FILTER (?dataset1 != ?dataset2)
  }
}""",
    # IC-2. Unique DSD
    "IC-2": """\
ASK {
  {
    # Check dataset has a dsd
    ?dataset a qb:DataSet .
    FILTER NOT EXISTS { ?dataset qb:structure ?dsd . }
  } UNION {
    # Check has just one dsd
    ?dataset a qb:DataSet ;
       qb:structure ?dsd1, ?dsd2 .
    FILTER (?dsd1 != ?dsd2)
  }
}""",
    # IC-3. DSD includes measure
    "IC-3": """\
ASK {
  ?dsd a qb:DataStructureDefinition .
  FILTER NOT EXISTS { ?dsd qb:component [qb:componentProperty [a qb:MeasureProperty]] }
}""",
    # IC-4. Dimensions have range
    "IC-4": """\
ASK {
  ?dim a qb:DimensionProperty .
  FILTER NOT EXISTS { ?dim rdfs:range [] }
}""",
    # IC-5. Concept dimensions have code lists
    "IC-5": """\
ASK {
  ?dim a qb:DimensionProperty ;
       rdfs:range skos:Concept .
  FILTER NOT EXISTS { ?dim qb:codeList [] }
}""",
    # IC-6. Only attributes may be optional
    "IC-6": """\
ASK {
  ?dsd qb:component ?componentSpec .
  ?componentSpec qb:componentRequired "false"^^xsd:boolean ;
                 qb:componentProperty ?component .
  FILTER NOT EXISTS { ?component a qb:AttributeProperty }
}""",
    # IC-7. Slice Keys must be declared
    "IC-7": """\
ASK {
    ?sliceKey a qb:SliceKey .
    FILTER NOT EXISTS { [a qb:DataStructureDefinition] qb:sliceKey ?sliceKey }
}""",
    # IC-8. Slice Keys consistent with DSD
    "IC-8": """\
ASK {
  ?slicekey a qb:SliceKey;
      qb:componentProperty ?prop .
  ?dsd qb:sliceKey ?slicekey .
  FILTER NOT EXISTS { ?dsd qb:component [qb:componentProperty ?prop] }
}""",
    # IC-9. Unique slice structure
    "IC-9": """\
ASK {
  {
    # Slice has a key
    ?slice a qb:Slice .
    FILTER NOT EXISTS { ?slice qb:sliceStructure ?key }
  } UNION {
    # Slice has just one key
    ?slice a qb:Slice ;
           qb:sliceStructure ?key1, ?key2;
    FILTER (?key1 != ?key2)
  }
}""",
    # IC-10. Slice dimensions complete
    "IC-10": """\
ASK {
  ?slice qb:sliceStructure [qb:componentProperty ?dim] .
  FILTER NOT EXISTS { ?slice ?dim [] }
}""",
    # IC-11. All dimensions required
    "IC-11": """\
ASK {
    ?obs qb:dataSet/qb:structure/qb:component/qb:componentProperty ?dim .
    ?dim a qb:DimensionProperty;
    FILTER NOT EXISTS { ?obs ?dim [] }
}""",
    # IC-12. No duplicate observations
    "IC-12": """\
ASK {
  FILTER( ?allEqual )
  {
    # For each pair of observations test if all the dimension values are the same
    SELECT (MIN(?equal) AS ?allEqual) WHERE {
        ?obs1 qb:dataSet ?dataset .
        ?obs2 qb:dataSet ?dataset .
        FILTER (?obs1 != ?obs2)
        ?dataset qb:structure/qb:component/qb:componentProperty ?dim .
        ?dim a qb:DimensionProperty .
        ?obs1 ?dim ?value1 .
        ?obs2 ?dim ?value2 .
        BIND( ?value1 = ?value2 AS ?equal)
    } GROUP BY ?obs1 ?obs2
  }
}""",
    # IC-13. Required attributes
    "IC-13": """\
ASK {
    ?obs qb:dataSet/qb:structure/qb:component ?component .
    ?component qb:componentRequired "true"^^xsd:boolean ;
               qb:componentProperty ?attr .
    FILTER NOT EXISTS { ?obs ?attr [] }
}""",
    # IC-14. All measures present
    "IC-14": """\
ASK {
    # Observation in a non-measureType cube
    ?obs qb:dataSet/qb:structure ?dsd .
    FILTER NOT EXISTS { ?dsd qb:component/qb:componentProperty qb:measureType }

    # verify every measure is present
    ?dsd qb:component/qb:componentProperty ?measure .
    ?measure a qb:MeasureProperty;
    FILTER NOT EXISTS { ?obs ?measure [] }
}""",
    # IC-15. Measure dimension consistent
    "IC-15": """\
ASK {
    # Observation in a measureType-cube
    ?obs qb:dataSet/qb:structure ?dsd ;
         qb:measureType ?measure .
    ?dsd qb:component/qb:componentProperty qb:measureType .
    # Must have value for its measureType
    FILTER NOT EXISTS { ?obs ?measure [] }
}""",
    # IC-16. Single measure on measure dimension observation
    "IC-16": """\
ASK {
    # Observation with measureType
    ?obs qb:dataSet/qb:structure ?dsd ;
         qb:measureType ?measure ;
         ?omeasure [] .
    # Any measure on the observation
    ?dsd qb:component/qb:componentProperty qb:measureType ;
         qb:component/qb:componentProperty ?omeasure .
    ?omeasure a qb:MeasureProperty .
    # Must be the same as the measureType
    FILTER (?omeasure != ?measure)
}""",
    # IC-17. All measures present in measures dimension cube
    "IC-17": """\
ASK {
  {
      # Count number of other measures found at each point
      SELECT ?numMeasures (COUNT(?obs2) AS ?count) WHERE {
          {
              # Find the DSDs and check how many measures they have
              SELECT ?dsd (COUNT(?m) AS ?numMeasures) WHERE {
                  ?dsd qb:component/qb:componentProperty ?m.
                  ?m a qb:MeasureProperty .
              } GROUP BY ?dsd
          }

          # Observation in measureType cube
          ?obs1 qb:dataSet/qb:structure ?dsd;
                qb:dataSet ?dataset ;
                qb:measureType ?m1 .

          # Other observation at same dimension value
          ?obs2 qb:dataSet ?dataset ;
                qb:measureType ?m2 .
          FILTER NOT EXISTS {
              ?dsd qb:component/qb:componentProperty ?dim .
              FILTER (?dim != qb:measureType)
              ?dim a qb:DimensionProperty .
              ?obs1 ?dim ?v1 .
              ?obs2 ?dim ?v2.
              FILTER (?v1 != ?v2)
          }

      } GROUP BY ?obs1 ?numMeasures
        HAVING (?count != ?numMeasures)
  }
}""",
    # IC-18. Consistent data set links
    "IC-18": """\
ASK {
    ?dataset qb:slice       ?slice .
    ?slice   qb:observation ?obs .
    FILTER NOT EXISTS { ?obs qb:dataSet ?dataset . }
}""",
    # IC-19. Codes from code list (the first of its two queries: code list a skos:ConceptScheme)
    "IC-19": """\
ASK {
    ?obs qb:dataSet/qb:structure/qb:component/qb:componentProperty ?dim .
    ?dim a qb:DimensionProperty ;
        qb:codeList ?list .
    ?list a skos:ConceptScheme .
    ?obs ?dim ?v .
    FILTER NOT EXISTS { ?v a skos:Concept ; skos:inScheme ?list }
}""",
}

# IC-17 as published tests ``?count``, an alias of the SELECT clause, in HAVING. SPARQL 1.1
# (section 18.2.4) evaluates HAVING before the SELECT expressions, so on a conforming engine such as
# Oxigraph ``?count`` is unbound there and the query is never true. It is run with the aggregate
# itself in HAVING, which is what the alias names: the one change to the Recommendation's text.
_IC_17_HAVING = ("HAVING (?count != ?numMeasures)", "HAVING (COUNT(?obs2) != ?numMeasures)")
_ASK["IC-17"] = _ASK["IC-17"].replace(*_IC_17_HAVING)

# IC-19. Codes from code list (the second of its two queries: code list a skos:Collection)
_IC_19_COLLECTION = """\
ASK {
    ?obs qb:dataSet/qb:structure/qb:component/qb:componentProperty ?dim .
    ?dim a qb:DimensionProperty ;
        qb:codeList ?list .
    ?list a skos:Collection .
    ?obs ?dim ?v .
    FILTER NOT EXISTS { ?v a skos:Concept . ?list skos:member+ ?v }
}"""
_EXTRA_ASK: dict[str, tuple[str, ...]] = {"IC-19": (_IC_19_COLLECTION,)}

# IC-20 and IC-21: (SELECT finding each ?p, ASK template in which $p is replaced by ?p's IRI).
_TEMPLATES: dict[str, tuple[str, str]] = {
    # IC-20. Codes from hierarchy
    "IC-20": (
        """\
SELECT ?p WHERE {
    ?hierarchy a qb:HierarchicalCodeList ;
                 qb:parentChildProperty ?p .
    FILTER ( isIRI(?p) )
}""",
        """\
ASK {
    ?obs qb:dataSet/qb:structure/qb:component/qb:componentProperty ?dim .
    ?dim a qb:DimensionProperty ;
        qb:codeList ?list .
    ?list a qb:HierarchicalCodeList .
    ?obs ?dim ?v .
    FILTER NOT EXISTS { ?list qb:hierarchyRoot/<$p>* ?v }
}""",
    ),
    # IC-21. Codes from hierarchy (inverse)
    "IC-21": (
        """\
SELECT ?p WHERE {
    ?hierarchy a qb:HierarchicalCodeList;
                 qb:parentChildProperty ?pcp .
    FILTER( isBlank(?pcp) )
    ?pcp  owl:inverseOf ?p .
    FILTER( isIRI(?p) )
}""",
        """\
ASK {
    ?obs qb:dataSet/qb:structure/qb:component/qb:componentProperty ?dim .
    ?dim a qb:DimensionProperty ;
         qb:codeList ?list .
    ?list a qb:HierarchicalCodeList .
    ?obs ?dim ?v .
    FILTER NOT EXISTS { ?list qb:hierarchyRoot/(^<$p>)* ?v }
}""",
    ),
}

_PREFIX_HEADER = "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in PREFIXES.items())

#: For diagnostics: each constraint's text as it is run (the Recommendation's, IC-17 with its HAVING
#: on the aggregate), preceded by the prefix declarations. IC-19 holds its two ``ASK`` queries one
#: after the other; IC-20 and IC-21 hold the ``SELECT`` query that finds ``?p`` followed by the
#: ``ASK`` template containing ``$p``. The others are single ``ASK`` queries, runnable as they are.
ic_queries: dict[str, str] = {
    **{ic: _PREFIX_HEADER + "\n" + "\n\n".join((text, *_EXTRA_ASK.get(ic, ()))) for ic, text in _ASK.items()},
    **{ic: _PREFIX_HEADER + "\n" + "\n\n".join(texts) for ic, texts in _TEMPLATES.items()},
}


def normalize(store: ox.Store) -> None:
    """Apply the normalization algorithm (Phase 1, then Phase 2) to the store's default graph.

    The default graph must hold the whole cube: data, DSD, component properties and code lists.
    """
    store.update(PHASE_1)
    store.update(PHASE_2)


def _ask(store: ox.Store, query: str) -> bool:
    result = store.query(query, prefixes=PREFIXES)
    if not isinstance(result, ox.QueryBoolean):
        raise TypeError(f"not an ASK query: {query[:40]!r}")
    return bool(result)


def _template_violated(store: ox.Store, select: str, template: str) -> bool:
    result = store.query(select, prefixes=PREFIXES)
    if not isinstance(result, ox.QuerySolutions):
        raise TypeError(f"not a SELECT query: {select[:40]!r}")
    properties = {solution["p"] for solution in result}
    for p in sorted(properties, key=str):
        if not isinstance(p, ox.NamedNode):  # the SELECT filters on isIRI(?p)
            continue
        if _ask(store, template.replace("$p", p.value)):
            return True
    return False


def check(store: ox.Store) -> dict[str, bool]:
    """Map "IC-1" … "IC-21" to True when the constraint HOLDS on the store's default graph.

    The store should be normalized first (:func:`normalize`); the store is not changed.
    """
    held = {ic: not any(_ask(store, q) for q in (text, *_EXTRA_ASK.get(ic, ()))) for ic, text in _ASK.items()}
    for ic, (select, template) in _TEMPLATES.items():
        held[ic] = not _template_violated(store, select, template)
    return held


def _parse(source: bytes | str | os.PathLike[str], fmt: ox.RdfFormat | None) -> list[ox.Quad]:
    if isinstance(source, bytes):
        if fmt is not None:
            return list(ox.parse(source, fmt, rename_blank_nodes=True))
        try:  # N-Quads first (N-Triples is a part of it), else TriG (Turtle is a part of it)
            return list(ox.parse(source, ox.RdfFormat.N_QUADS, rename_blank_nodes=True))
        except SyntaxError:
            return list(ox.parse(source, ox.RdfFormat.TRIG, rename_blank_nodes=True))
    path = Path(source)
    if fmt is None:
        fmt = ox.RdfFormat.from_extension(path.suffix.lstrip("."))
        if fmt is None:
            raise ValueError(f"cannot tell the RDF format of {path} from its extension")
    return list(ox.parse(format=fmt, path=path, rename_blank_nodes=True))


def load_union(*sources: bytes | str | os.PathLike[str], format: ox.RdfFormat | None = None) -> ox.Store:
    """A fresh in-memory store whose default graph holds every triple of every source.

    A source is serialized RDF (``bytes``) or a file path (``str`` or path-like). Triples of named
    graphs are put into the default graph. Without ``format``, a path's format comes from its
    extension and bytes are read as N-Quads, or, failing that, as TriG (which includes Turtle).
    Blank nodes of different sources are kept apart.
    """
    store = ox.Store()
    default = ox.DefaultGraph()
    for source in sources:
        store.extend(ox.Quad(q.subject, q.predicate, q.object, default) for q in _parse(source, format))
    return store


def _number(ic: str) -> int:
    match = re.fullmatch(r"IC-(\d+)", ic)
    return int(match.group(1)) if match else 0


def violations(*sources: bytes | str | os.PathLike[str], format: ox.RdfFormat | None = None) -> list[str]:
    """Load the sources into one default graph (:func:`load_union`), normalize, check.

    Returns the ids of the violated constraints in constraint order (``["IC-2", "IC-12"]``);
    an empty list means the union is a well-formed cube.
    """
    store = load_union(*sources, format=format)
    normalize(store)
    return sorted((ic for ic, held in check(store).items() if not held), key=_number)
