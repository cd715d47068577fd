// Runs one SPARQL SELECT with Comunica against a SPARQL endpoint; used by tests/test_comunica.py.
// Usage: node comunica.mjs ENDPOINT < query.rq   -> JSON on stdout: [{variable: term}], a term being
// {termType, value, language, datatype}.
import { QueryEngine } from "@comunica/query-sparql";

const endpoint = process.argv[2];
const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const query = Buffer.concat(chunks).toString("utf8");

const engine = new QueryEngine();
const stream = await engine.queryBindings(query, { sources: [{ type: "sparql", value: endpoint }] });
const rows = [];
for await (const bindings of stream) {
  const row = {};
  for (const [variable, term] of bindings) {
    row[variable.value] = {
      termType: term.termType,
      value: term.value,
      language: term.termType === "Literal" ? term.language : "",
      datatype: term.termType === "Literal" ? term.datatype.value : "",
    };
  }
  rows.push(row);
}
process.stdout.write(JSON.stringify(rows));
