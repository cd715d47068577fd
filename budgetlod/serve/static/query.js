// The SPARQL query page's script (served as /sparql/query.js: the page runs no inline script).
"use strict";
(function () {
  var endpoint = "sparql";
  var form = document.getElementById("form");
  var textarea = document.getElementById("query");
  var runButton = document.getElementById("run");
  var statusLine = document.getElementById("status");
  var errorBox = document.getElementById("error");
  var note = document.getElementById("truncation-note");
  var downloads = document.getElementById("downloads");
  var resultsBox = document.getElementById("results");
  var examplesSelect = document.getElementById("examples");
  var exampleDescription = document.getElementById("example-description");
  var examples = [];
  var pageParams = new URLSearchParams(window.location.search);
  var datasetParams = [];
  ["default-graph-uri", "named-graph-uri"].forEach(function (name) {
    pageParams.getAll(name).forEach(function (value) { datasetParams.push([name, value]); });
  });

  var FORMATS = {
    select: [["json", "SPARQL JSON", "srj"], ["xml", "SPARQL XML", "srx"], ["csv", "CSV", "csv"], ["tsv", "TSV", "tsv"]],
    ask: [["json", "SPARQL JSON", "srj"], ["xml", "SPARQL XML", "srx"]],
    graph: [["ttl", "Turtle", "ttl"], ["nt", "N-Triples", "nt"], ["jsonld", "JSON-LD", "jsonld"], ["rdfxml", "RDF/XML", "rdf"], ["nq", "N-Quads", "nq"], ["trig", "TriG", "trig"]]
  };

  function el(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (key) { node.setAttribute(key, attributes[key]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function reset() {
    errorBox.hidden = true; errorBox.textContent = "";
    note.hidden = true; note.textContent = "";
    downloads.hidden = true; downloads.textContent = "";
    resultsBox.textContent = "";
  }

  function queryUrl(query, format) {
    var params = new URLSearchParams();
    params.set("query", query);
    datasetParams.forEach(function (pair) { params.append(pair[0], pair[1]); });
    params.set("format", format);
    return endpoint + "?" + params.toString();
  }

  function showDownloads(kind, query) {
    downloads.textContent = "下载 / Download: ";
    FORMATS[kind].forEach(function (f) {
      var link = el("a", { href: queryUrl(query, f[0]), download: "results." + f[2], "data-format": f[0] }, f[1]);
      downloads.appendChild(link);
    });
    downloads.hidden = false;
  }

  function showTruncation(response) {
    if (response.headers.get("X-Result-Truncated") === "true" && response.headers.get("X-Result-Truncated-By") === "bytes") {
      var bytes = response.headers.get("X-Answer-Byte-Limit") || "?";
      note.textContent = "结果已截断：答复超过 " + bytes + " 字节上限，只给出能容纳的行。 Truncated: the answer is larger than the limit of " +
        bytes + " bytes; only the rows that fit are given. Select fewer or shorter values.";
      note.hidden = false;
    } else if (response.headers.get("X-Result-Truncated") === "true") {
      var limit = response.headers.get("X-Row-Limit") || "?";
      note.textContent = "结果已截断：只给出前 " + limit + " 行（行数上限）。 Truncated: only the first " + limit +
        " rows are given (the row limit); narrow the query or use LIMIT/OFFSET for the rest.";
      note.hidden = false;
    }
  }

  function cell(term) {
    var td = el("td");
    if (!term) { return td; }
    if (term.type === "uri") {
      // only http(s) IRIs become links: a javascript: or data: IRI in an answer is shown as text
      td.appendChild(/^https?:\/\//i.test(term.value) ? el("a", { href: term.value }, term.value) : el("span", { "class": "iri" }, term.value));
    } else if (term.type === "bnode") {
      td.appendChild(el("span", { "class": "bnode" }, "_:" + term.value));
    } else if (term.type === "triple") {
      td.textContent = "<< " + [term.value.subject, term.value.predicate, term.value.object].map(function (t) { return t.value; }).join(" ") + " >>";
    } else {
      td.appendChild(document.createTextNode(term.value));
      if (term["xml:lang"]) {
        td.appendChild(el("span", { "class": "lang" }, " @" + term["xml:lang"]));
      } else if (term.datatype) {
        var local = term.datatype.replace(/^http:\/\/www\.w3\.org\/2001\/XMLSchema#/, "xsd:");
        td.appendChild(el("span", { "class": "dt", title: term.datatype }, " ^^" + local));
      }
    }
    return td;
  }

  function showTable(data) {
    var vars = data.head.vars || [];
    var rows = data.results.bindings || [];
    var wrap = el("div", { "class": "table-wrap" });
    var table = el("table", { id: "results-table" });
    var head = el("tr");
    head.appendChild(el("th", {}, "#"));
    vars.forEach(function (v) { head.appendChild(el("th", {}, "?" + v)); });
    var thead = el("thead"); thead.appendChild(head); table.appendChild(thead);
    var tbody = el("tbody");
    rows.forEach(function (row, i) {
      var tr = el("tr");
      tr.appendChild(el("td", { "class": "n" }, String(i + 1)));
      vars.forEach(function (v) { tr.appendChild(cell(row[v])); });
      tbody.appendChild(tr);
    });
    table.appendChild(tbody);
    wrap.appendChild(table);
    resultsBox.appendChild(wrap);
    return rows.length;
  }

  function run() {
    var query = textarea.value;
    reset();
    runButton.disabled = true;
    statusLine.textContent = "运行中… / running…";
    var started = performance.now();
    var body = new URLSearchParams();
    body.set("query", query);
    datasetParams.forEach(function (pair) { body.append(pair[0], pair[1]); });
    fetch(endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json, text/turtle;q=0.9" },
      body: body.toString()
    }).then(function (response) {
      var seconds = ((performance.now() - started) / 1000).toFixed(2);
      var type = response.headers.get("Content-Type") || "";
      return response.text().then(function (text) {
        if (!response.ok) {
          statusLine.textContent = "HTTP " + response.status + " · " + seconds + " s";
          errorBox.textContent = text;
          errorBox.hidden = false;
          return;
        }
        showTruncation(response);
        if (type.indexOf("application/sparql-results+json") === 0) {
          var data = JSON.parse(text);
          if (typeof data.boolean === "boolean") {
            resultsBox.appendChild(el("p", { id: "ask-result" }, data.boolean ? "true（是）" : "false（否）"));
            showDownloads("ask", query);
            statusLine.textContent = "ASK · " + seconds + " s";
          } else {
            var count = showTable(data);
            showDownloads("select", query);
            statusLine.textContent = count + " 行 / rows · " + seconds + " s";
          }
        } else {
          resultsBox.appendChild(el("pre", { id: "graph" }, text));
          showDownloads("graph", query);
          statusLine.textContent = "RDF (" + type.split(";")[0] + ") · " + seconds + " s";
        }
      });
    }).catch(function (error) {
      statusLine.textContent = "";
      errorBox.textContent = String(error);
      errorBox.hidden = false;
    }).then(function () { runButton.disabled = false; });
  }

  form.addEventListener("submit", function (event) { event.preventDefault(); run(); });
  textarea.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); run(); }
    if (event.key === "Tab" && !event.shiftKey) {
      event.preventDefault();
      var start = textarea.selectionStart, end = textarea.selectionEnd;
      textarea.value = textarea.value.slice(0, start) + "  " + textarea.value.slice(end);
      textarea.selectionStart = textarea.selectionEnd = start + 2;
    }
  });

  examplesSelect.addEventListener("change", function () {
    var chosen = examples.filter(function (e) { return e.name === examplesSelect.value; })[0];
    exampleDescription.textContent = chosen ? chosen.description : "";
    if (chosen) { textarea.value = chosen.query; }
  });

  fetch(endpoint + "/examples", { headers: { "Accept": "application/json" } })
    .then(function (response) { return response.ok ? response.json() : []; })
    .then(function (list) {
      examples = list;
      list.forEach(function (e) {
        examplesSelect.appendChild(el("option", { value: e.name }, e.summary ? e.name + " — " + e.summary : e.name));
      });
    })
    .catch(function () { /* the examples are a convenience */ });

  if (pageParams.get("query")) {
    textarea.value = pageParams.get("query");
    run();
  }
})();
