"""Rows are read by name, and the `local` table has one accessor (issue #11): a positional read of a
database row (`fetchone()[0]`, `row[2]`) or `local`-table SQL outside db/local.py fails here, naming the line.

One-column reads go through db.rows.scalar/column (the hub: sync.hub.store_sql.scalar/column); rows with
several columns through sqlite-utils' `db.query` (dicts), a NamedTuple or sqlite3.Row (db.rows.named)."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = ("db", "sync", "services", "cli", "ui", "models", "output", "printing")

# A call of one of these returns database rows (or a cursor of them).
_QUERIES = {"execute", "executemany", "fetchone", "fetchall", "fetchmany"}
# Calls that hand on the rows they are given.
_KEEP_ROWS = {"sorted", "list", "tuple", "reversed", "iter"}
# Names that mean "a database row" wherever they are indexed by a number.
_ROW_NAMES = {"row", "r"}

# Positional reads that are not of a database row, or not ours to change: (file, text on the line) -> why.
POSITIONAL_ALLOWED = {
    ("ui/dossier_detail.py", "rows.sort(key=lambda r: r[0]"):
        "the timeline's own (moment, actor, what, note, warning) tuples, built just above: no database row",
}


def _python_files():
    for folder in FOLDERS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            yield path.relative_to(ROOT).as_posix(), path


def _is_query(node: ast.AST | None) -> bool:
    return node is not None and any(isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
                                    and n.func.attr in _QUERIES for n in ast.walk(node))


def _positional(index: ast.expr) -> bool:
    if isinstance(index, ast.UnaryOp) and isinstance(index.op, ast.USub):
        index = index.operand
    return isinstance(index, ast.Slice) or (isinstance(index, ast.Constant) and type(index.value) is int)


def _scopes(tree: ast.Module):
    """Each function's whole body (nested ones included), and the module's own statements."""
    yield [node for node in tree.body if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                               ast.ClassDef))]
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield [node]


def _row_names(nodes: list[ast.AST]) -> set[str]:
    """Names bound to database rows, a cursor or a list of rows in these nodes: assigned from a query,
    looped over one (or over such a name), or the parameter of a sort key given one."""
    rows: set[str] = set()

    def from_rows(value: ast.AST | None) -> bool:
        """A query, a name for rows, or such a thing sorted, listed or added to."""
        if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id in _KEEP_ROWS:
            return bool(value.args) and from_rows(value.args[0])
        if isinstance(value, ast.BinOp):
            return from_rows(value.left) or from_rows(value.right)
        return _is_query(value) or (isinstance(value, ast.Name) and value.id in rows)

    while True:
        before = len(rows)
        for node in (n for top in nodes for n in ast.walk(top)):
            if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign, ast.NamedExpr)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if from_rows(node.value):
                    rows |= {t.id for t in targets if isinstance(t, ast.Name)}
            elif isinstance(node, (ast.For, ast.comprehension)) and isinstance(node.target, ast.Name):
                if from_rows(node.iter):
                    rows.add(node.target.id)
            elif isinstance(node, ast.Call) and node.args and from_rows(node.args[0]):
                for value in (k.value for k in node.keywords if k.arg == "key"):
                    if isinstance(value, ast.Lambda):
                        rows |= {a.arg for a in value.args.args}
        if len(rows) == before:
            return rows


def positional_reads() -> list[str]:
    found: set[tuple[str, int, int, str]] = set()
    for name, path in _python_files():
        if name == "db/migrations.py":  # a migration step is frozen: it keeps its own SQL and reads
            continue
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()
        tree = ast.parse(source, name)
        for nodes in _scopes(tree):
            rows = _row_names(nodes)
            for node in (n for top in nodes for n in ast.walk(top)):
                if not isinstance(node, ast.Subscript) or not _positional(node.slice):
                    continue
                value = node.value
                named_row = isinstance(value, ast.Name) and value.id in _ROW_NAMES and \
                    not isinstance(node.slice, ast.Slice)  # row[2]; a slice of a `row` may be a file's line
                if named_row or (isinstance(value, ast.Name) and value.id in rows) or \
                        (isinstance(value, ast.Call) and _is_query(value)):
                    line = lines[node.lineno - 1].strip()
                    if not any(file == name and text in line for file, text in POSITIONAL_ALLOWED):
                        found.add((name, node.lineno, node.col_offset, line))
    return [f"{name}:{number}: {line}" for name, number, _, line in sorted(found)]


def test_database_rows_are_read_by_name():
    assert positional_reads() == []


def test_the_check_sees_the_usual_positional_reads(tmp_path, monkeypatch):
    """The check itself: each way a row used to be read by position is found; reads by name are not."""
    (tmp_path / "db").mkdir()
    (tmp_path / "db" / "sample.py").write_text(
        "def one(db):\n    return db.execute('SELECT count(*) FROM t').fetchone()[0]\n\n"
        "def two(db):\n    top = db.execute('SELECT seq, hash FROM t').fetchone()\n    return top[1]\n\n"
        "def three(db):\n    rows = db.execute('SELECT a, b FROM t').fetchall()\n"
        "    return [(x[0], y[1:]) for x in rows for y in sorted(rows, key=lambda z: z[0])]\n\n"
        "def by_name(db, pairs):\n    row = db.query('SELECT a FROM t')\n"
        "    return [row['a'], pairs[0], scalar(db, 'SELECT 1')]\n", encoding="utf-8")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    reads = positional_reads()
    assert [read.split(":")[1] for read in reads] == ["2", "6", "10", "10", "10"], reads


_LOCAL_SQL = re.compile(r"\b(?:FROM|INTO|UPDATE|JOIN|TABLE)\s+[\"'`\[]?local\b|"
                        r"\[\s*[\"']local[\"']\s*\]|\btable\(\s*[\"']local[\"']")
# Where `local` keeps its own SQL, on purpose: file -> the line's start (None: the whole file).
LOCAL_ALLOWED = {
    "db/local.py": None,           # the accessor itself
    "db/migrations.py": None,      # a step is frozen: later code may change, the step may not
    "db/events.py": "_FLOOR = ",   # a subquery inside every pending-events statement (bench/bench_sync.py)
}


def local_sql() -> list[str]:
    found = []
    for name, path in [*_python_files(), ("main.py", ROOT / "main.py")]:
        if name in LOCAL_ALLOWED and LOCAL_ALLOWED[name] is None:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            allowed = LOCAL_ALLOWED.get(name)
            if _LOCAL_SQL.search(line) and not (allowed and line.strip().startswith(allowed)):
                found.append(f"{name}:{number}: {line.strip()}")
    return found


def test_the_local_table_is_read_and_written_through_db_local():
    assert local_sql() == []


def test_the_local_check_sees_sql_and_sqlite_utils_access(tmp_path, monkeypatch):
    (tmp_path / "sync").mkdir()
    (tmp_path / "main.py").write_text("", encoding="utf-8")
    (tmp_path / "sync" / "sample.py").write_text(
        "A = \"SELECT value FROM local WHERE key = ?\"\nB = \"INSERT INTO local(key, value) VALUES (?, ?)\"\n"
        "C = db['local'].get('x')\nD = 'copied from local disk'\nE = get_local(db, 'station_number')\n",
        encoding="utf-8")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    assert [read.split(":")[1] for read in local_sql()] == ["1", "2", "3"]
