// A second, independent SHACL engine for the Core shapes (tests/test_second_engine.py).
//
//   node validate.mjs DATA.nt SHAPES.ttl
//
// reads the data graph (N-Triples) and the shapes graph (Turtle), validates with rdf-validate-shacl (SHACL Core;
// it does not implement SHACL-SPARQL) and prints one line of JSON:
//   {"conforms": bool, "focusNodes": [sorted IRIs], "results": [[focus node, source shape, component, severity] …]}
// "conforms" is SHACL's: true when there is no result at all, whatever its severity.
import { readFileSync } from 'node:fs'
import { Parser, Store } from 'n3'
import SHACLValidator from 'rdf-validate-shacl'

function load (path, format) {
  const store = new Store()
  store.addQuads(new Parser({ format }).parse(readFileSync(path, 'utf8')))
  return store
}

const [dataPath, shapesPath] = process.argv.slice(2)
if (!dataPath || !shapesPath) {
  console.error('usage: node validate.mjs DATA.nt SHAPES.ttl')
  process.exit(2)
}
const validator = new SHACLValidator(load(shapesPath, 'text/turtle'))
const report = await validator.validate(load(dataPath, 'application/n-triples'))
const term = (t) => (t ? t.value : null)
const results = report.results
  .map((r) => [term(r.focusNode), term(r.sourceShape), term(r.sourceConstraintComponent), term(r.severity)])
  .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))
const focusNodes = [...new Set(results.map((r) => r[0]))].sort()
console.log(JSON.stringify({ conforms: report.conforms, focusNodes, results }))
