"""Issue 16: a folder of published files, ingested. The walk takes every format; the files of one disclosure
(a narrative and its tables, one file per table) are grouped by their names or by ``disclosures.txt`` and read
as one; a file that is nothing to load (unsupported format, not a budget disclosure …) is skipped with its
reason, and a run with nothing loadable exits 2.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from ingest_runs import report_rows, run_ingest
from paths import SAMPLE

from budgetlod.ingest.groups import MANIFEST, RULE, Group, group, join, marker, split
from budgetlod.ingest.prepare import source_key
from budgetlod.ingest.report import FileOutcome, IngestSummary
from budgetlod.ingest.walk import survey, walk
from budgetlod.store.embedded import open_reader

OBSERVATIONS = """PREFIX qb: <http://purl.org/linked-data/cube#>
SELECT ?g (COUNT(?o) AS ?n) WHERE { GRAPH ?g { ?o a qb:Observation } } GROUP BY ?g"""
NOTICE = "关于召开年度工作会议的通知\n\n请各单位于下周一上午九时参加会议。\n"


def touch(folder: Path, *names: str) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / name).write_text(name, encoding="utf-8")
    return [folder / n for n in names]


def grouped(files: list[Path], manifests: list[Path] | None = None) -> list[tuple[list[str], str]]:
    """Each disclosure as its file names and why they are one."""
    return [([f.name for f in g.files], g.why) for g in group(sorted(files), manifests or []).groups]


# ---- the rule, on names


def test_markers_are_trailing_words_after_a_separator_or_in_brackets() -> None:
    assert marker("x-2019-budget-text.pdf") == ("x-2019-budget", "text")
    assert marker("x-2019-budget_TABLES.PDF") == ("x-2019-budget", "TABLES")
    assert marker("x-2019 (table-1).xlsx") == ("x-2019", "table-1")
    assert marker("x.t01.xls") == ("x", "t01")
    assert marker("某单位2024年预算（正文）.pdf") == ("某单位2024年预算", "正文")
    assert marker("某单位2024年预算-表一.xls") == ("某单位2024年预算", "表一")
    assert marker("某单位2024年预算 01表.et") == ("某单位2024年预算", "01表")
    for name in ("x-2019.pdf", "tables.pdf", "x-context.pdf", "x-notable.pdf", "某单位2024年预算说明.pdf"):
        assert marker(name) is None, name  # no marker, no separator before it, or nothing left


def test_a_narrative_and_its_tables_are_one_disclosure_narrative_first(tmp_path: Path) -> None:
    files = touch(tmp_path, "x-2019-budget-tables.pdf", "x-2019-budget-text.pdf", "y-2019-narrative.docx",
                  "y-2019-table.xlsx")
    assert grouped(files) == [(["x-2019-budget-text.pdf", "x-2019-budget-tables.pdf"], RULE),
                              (["y-2019-narrative.docx", "y-2019-table.xlsx"], RULE)]


def test_one_file_per_table_in_the_order_of_their_numbers(tmp_path: Path) -> None:
    files = touch(tmp_path, "x-table10.xls", "x-table2.xls", "x-table1.xls", "x-narrative.pdf")
    assert grouped(files) == [(["x-narrative.pdf", "x-table1.xls", "x-table2.xls", "x-table10.xls"], RULE)]
    chinese = touch(tmp_path / "zh", "单位预算_表十.xls", "单位预算_表二.xls", "单位预算_表一.xls", "单位预算(说明).pdf")
    assert grouped(chinese) == [(["单位预算(说明).pdf", "单位预算_表一.xls", "单位预算_表二.xls", "单位预算_表十.xls"], RULE)]


def test_chinese_markers(tmp_path: Path) -> None:
    files = touch(tmp_path, "甲单位2024年预算-公开表.xls", "甲单位2024年预算-正文.pdf", "乙单位2024 01表.xls",
                  "乙单位2024 02表.xls", "丙单位（附表）.xlsx", "丙单位（说明）.docx", "丁单位_表格.et", "丁单位_正文.wps")
    assert sorted(grouped(files)) == sorted([
        (["甲单位2024年预算-正文.pdf", "甲单位2024年预算-公开表.xls"], RULE),
        (["乙单位2024 01表.xls", "乙单位2024 02表.xls"], RULE),
        (["丙单位（说明）.docx", "丙单位（附表）.xlsx"], RULE),
        (["丁单位_正文.wps", "丁单位_表格.et"], RULE),
    ])


def test_no_marker_or_alone_after_grouping_is_its_own_disclosure(tmp_path: Path) -> None:
    files = touch(tmp_path, "a-2019.pdf", "a-2019-tables.pdf", "b-2019-text.pdf", "c.html")
    assert grouped(files) == [(["a-2019-tables.pdf"], ""), (["a-2019.pdf"], ""), (["b-2019-text.pdf"], ""),
                              (["c.html"], "")]
    other = touch(tmp_path / "sub", "a-2019-text.pdf")  # another folder: not a part of a-2019-tables.pdf
    assert len(group(sorted(files + other)).groups) == 5


def test_the_same_marker_twice_is_not_grouped_and_says_so(tmp_path: Path) -> None:
    files = touch(tmp_path, "x-text.pdf", "x-text.docx", "x-tables.xlsx")
    grouping = group(files)
    assert [len(g.files) for g in grouping.groups] == [1, 1, 1]
    assert grouping.notes == [f"[WARNING] {tmp_path}: x-text.pdf and x-text.docx and x-tables.xlsx have the same part "
                              f"marker: not read as one disclosure (list their files in {MANIFEST} to say which go "
                              "together)"]


def test_the_manifest_overrides_the_rule(tmp_path: Path) -> None:
    files = touch(tmp_path, "x-tables.pdf", "x-text.pdf", "notes-a.pdf", "notes-b.xlsx", "y-text.pdf", "y-tables.pdf")
    (tmp_path / MANIFEST).write_text("# which files go together\n\nnotes-b.xlsx + notes-a.pdf\n  x-text.pdf  \n",
                                     encoding="utf-8")
    assert grouped(files, [tmp_path]) == [
        (["notes-b.xlsx", "notes-a.pdf"], f"{MANIFEST} line 3"),  # in the manifest's order
        (["x-tables.pdf"], ""), (["x-text.pdf"], ""),  # x-text.pdf alone (line 4), so x-tables.pdf is alone too
        (["y-text.pdf", "y-tables.pdf"], RULE),
    ]


def test_a_manifest_naming_a_missing_file_skips_that_disclosure_with_a_warning(tmp_path: Path) -> None:
    folder = tmp_path / "d"
    touch(folder, "a-text.pdf", "a-tables.pdf", "b.pdf")
    (folder / MANIFEST).write_text("a-text.pdf + a-tables.pdf + a-annex.pdf\n", encoding="utf-8")
    found = survey([folder])
    assert [[f.name for f in g.files] for g in found.groups] == [["b.pdf"]]  # a-*.pdf: not by the rule either
    [skipped] = found.skipped
    members = [folder / "a-text.pdf", folder / "a-tables.pdf", folder / "a-annex.pdf"]
    assert skipped.path == Path(join(members))
    assert skipped.reason == f"{MANIFEST} line 1: a-annex.pdf: no such file: this disclosure is skipped"
    assert skipped.line == f"[WARNING] {folder / MANIFEST} line 1: a-annex.pdf: no such file: this disclosure is skipped"
    assert skipped.outcome().status == "skipped"


# ---- the walk, the joined path, the source key


def test_the_walk_takes_every_format_and_groups_a_folder(tmp_path: Path) -> None:
    names = ["a.pdf", "b.docx", "c.doc", "d.wps", "e.xlsx", "f.xls", "g.et", "h.odt", "i.ods", "j.rtf", "k.txt",
             "l.md", "m.html", "n.htm", "x-text.pdf", "x-tables.xlsx"]
    folder = tmp_path / "d"
    touch(folder, *names, "notes.csv", "README.pdf", "unit.meta.json")
    (folder / MANIFEST).write_text("# nothing listed\n", encoding="utf-8")
    files, skipped = walk([folder, tmp_path / "d" / "y-text.pdf"])  # named: alone, never grouped
    expected = [folder / n for n in names[:-2]]
    assert files == [*expected, Path(join([folder / "x-text.pdf", folder / "x-tables.xlsx"])), folder / "y-text.pdf"]
    assert skipped == []
    info = [g.info() for g in survey([folder]).groups if len(g.files) > 1]
    assert info == [f"[INFO] {folder}: one disclosure from 2 files: x-text.pdf + x-tables.xlsx ({RULE})"]


def test_a_joined_path_splits_back_into_its_files(tmp_path: Path) -> None:
    a, b, plus = touch(tmp_path, "a-text.pdf", "a-tables.pdf", "c+d.pdf")
    assert split(join([a, b])) == [a, b]
    assert split(str(plus)) == [plus]  # an existing file is never split
    assert split(join([plus, a])) == [plus, a]  # a "+" in a name: the split whose parts exist
    assert split(join([a, tmp_path / "gone.pdf"])) == [a, tmp_path / "gone.pdf"]  # converting says "cannot open"
    assert split(str(a)) == [a] and split(f"{a}+") == [a]
    assert Group((a, b), tmp_path, RULE).path == Path(f"{a}+{b}")


def test_the_source_key_of_a_group_changes_with_any_of_its_files(tmp_path: Path) -> None:
    a, b = touch(tmp_path, "a-text.txt", "a-tables.txt")
    key = source_key(Path(join([a, b])))
    assert key is not None and key.split("+", 1)[0] == source_key(a)  # the first file's sha256, as the graph records
    b.write_text("changed", encoding="utf-8")
    assert source_key(Path(join([a, b]))) not in (None, key)
    assert source_key(Path(join([b, a]))) != source_key(Path(join([a, b])))  # the order is part of it
    assert source_key(Path(join([a, tmp_path / "gone.txt"]))) is None


def test_the_summary_counts_the_skipped_and_names_ten(tmp_path: Path) -> None:
    skipped = [FileOutcome(tmp_path / f"{i:02d}.xlsx", error="unsupported format: x", skipped=True) for i in range(12)]
    summary = IngestSummary(outcomes=[FileOutcome(tmp_path / "ok.txt", graph="g"), *skipped], inputs=[str(tmp_path)])
    lines = summary.text("S").splitlines()
    assert lines[0].startswith("1 loaded (1 clean, 0 with warnings, 0 with violations), 0 unchanged, 0 failed, "
                               "12 skipped in ")
    assert lines[1:11] == [f"skipped\t{o.path}\tunsupported format: x" for o in skipped[:10]]
    assert lines[11:] == ["and 2 more skipped (the report lists them)"]
    assert summary.exit_code() == 2 and not summary.nothing_loadable and summary.totals()["skipped"] == 12
    nothing = IngestSummary(outcomes=skipped[:2], inputs=[str(tmp_path)])
    assert nothing.nothing_loadable and nothing.exit_code() == 2
    assert nothing.nothing_message() == f"nothing loadable in {tmp_path} (2 skipped, 0 failed)"
    refused = IngestSummary(outcomes=[FileOutcome(tmp_path / "r.txt", graph="g", error="3 violations", refused=True)])
    assert not refused.nothing_loadable and refused.exit_code() == 1  # a disclosure, refused: exit 1 as before


# ---- end to end, with the command line


def split_sample(folder: Path) -> None:
    """The bundled example as two files: its first part (up to the heading 第二部分), and the rest."""
    text = SAMPLE.read_text(encoding="utf-8")
    cut = text.rindex("第二部分")  # the heading, not the line of the table of contents
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "x-2024-text.txt").write_text(text[:cut], encoding="utf-8")
    (folder / "x-2024-tables.txt").write_text(text[cut:], encoding="utf-8")


def bad_files(folder: Path) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("hello.txt", "hello")
    renamed = folder / "budget.xlsx"
    renamed.write_bytes(archive.getvalue())  # a zip archive, not a workbook
    notice = folder / "notice.txt"
    notice.write_text(NOTICE, encoding="utf-8")
    return renamed, notice


def observations(store: Path) -> dict[str, int]:
    return {row["g"].value: int(row["n"].value) for row in open_reader(store).query(OBSERVATIONS)}  # type: ignore[union-attr]


def test_a_folder_of_published_files_end_to_end(tmp_path: Path) -> None:
    folder = tmp_path / "published"
    split_sample(folder)
    renamed, notice = bad_files(folder)
    store = tmp_path / "store"
    result = run_ingest(store, folder, "--jobs", "1", timeout=600)
    assert result.returncode == 2, result.stderr  # two files skipped: the rest is loaded (as for any skipped file)
    text, tables = folder / "x-2024-text.txt", folder / "x-2024-tables.txt"
    assert (f"[INFO] {folder}: one disclosure from 2 files: x-2024-text.txt + x-2024-tables.txt "
            f"(rule: same name but the part marker)\n") in result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("1 loaded (1 clean, 0 with warnings, 0 with violations), 0 unchanged, 0 failed, "
                               "2 skipped in ")
    assert lines[1].startswith(f"skipped\t{renamed}\tunsupported format: a zip archive")
    assert lines[2] == (f"skipped\t{notice}\tnot a budget disclosure: no title, part heading or standard table of "
                        "the template")
    rows = report_rows(store / "ingest-report.tsv")
    joined = join([text, tables])
    assert {f: r["status"] for f, r in rows.items()} == {joined: "ok", str(renamed): "skipped", str(notice): "skipped"}
    assert "nothing loadable" not in result.stderr

    whole = tmp_path / "whole"
    single = run_ingest(whole, SAMPLE, "--jobs", "1", timeout=600)
    assert single.returncode == 0, single.stderr
    graph = rows[joined]["graph"]
    assert observations(store) == {graph: observations(whole)[graph]} and observations(store)[graph] > 100

    again = run_ingest(store, folder, "--jobs", "1", "--quiet", timeout=600)  # the group is unchanged; quiet
    assert again.stdout.startswith("0 loaded (0 clean, 0 with warnings, 0 with violations), 1 unchanged, 0 failed, "
                                   "2 skipped in "), again.stdout
    assert "[INFO]" not in again.stderr and again.returncode == 2
    tables.write_text(tables.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # one file changed
    changed = run_ingest(store, folder, "--jobs", "1", "--quiet", timeout=600)
    assert changed.stdout.startswith("1 loaded"), changed.stdout


def test_a_folder_with_nothing_loadable_exits_2(tmp_path: Path) -> None:
    folder = tmp_path / "bad"
    bad_files(folder)
    result = run_ingest(tmp_path / "store", folder, "--jobs", "1", timeout=600)
    assert result.returncode == 2, result.stderr
    assert f"[ERROR] nothing loadable in {folder} (2 skipped, 0 failed)\n" in result.stderr
    assert result.stdout.startswith("0 loaded (0 clean, 0 with warnings, 0 with violations), 0 unchanged, 0 failed, "
                                    "2 skipped in ")
