// JSON-LD -> RDF with jsonld.js, the second JSON-LD processor of the tests (tests/test_jsonld_roundtrip.py).
//
//   node jsonld-tordf.mjs CONTEXT_IRI CONTEXT_FILE DOC.jsonld [DOC.jsonld …]
//
// converts each document to N-Quads with jsonld.toRDF and prints one line of JSON a document, in the order given:
//   {"file": DOC, "nquads": "<N-Quads>"}   or   {"file": DOC, "error": "<message>"}
// The document loader serves CONTEXT_FILE for CONTEXT_IRI and refuses every other URL: no network request is made.
import { readFileSync } from 'node:fs'
import jsonld from 'jsonld'

const [contextIri, contextFile, ...docs] = process.argv.slice(2)
if (!contextIri || !contextFile) {
  console.error('usage: node jsonld-tordf.mjs CONTEXT_IRI CONTEXT_FILE DOC.jsonld [DOC.jsonld …]')
  process.exit(2)
}
const context = JSON.parse(readFileSync(contextFile, 'utf8'))

const documentLoader = async (url) => {
  if (url !== contextIri) {
    throw new Error(`refused to load ${url}: only ${contextIri} is served, from ${contextFile}`)
  }
  return { contextUrl: null, documentUrl: url, document: context }
}

for (const file of docs) {
  try {
    const doc = JSON.parse(readFileSync(file, 'utf8'))
    const nquads = await jsonld.toRDF(doc, { format: 'application/n-quads', documentLoader })
    console.log(JSON.stringify({ file, nquads }))
  } catch (err) {
    console.log(JSON.stringify({ file, error: String(err && err.stack ? err.stack : err) }))
  }
}
