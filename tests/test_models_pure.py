"""models/ holds rules and data only: no file writing, no printing/, no Qt, no database (the output layer
writes files; services/ does the errands)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# (openpyxl may read the bytes an import hands in: catalog_import parses, it opens nothing.)
FORBIDDEN_MODULES = ("printing", "output", "db", "services", "ui", "sync", "PySide6", "sqlite3", "sqlite_utils",
                     "reportlab", "tempfile", "shutil")
FORBIDDEN_FUNCTIONS = ("open",)                                         # builtins
FORBIDDEN_METHODS = ("write_text", "write_bytes", "mkstemp", "unlink", "rename", "save", "mkdir")


def _imports(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_models_import_no_io_layer():
    offenders = {}
    for path in sorted((ROOT / "models").glob("*.py")):
        bad = _imports(ast.parse(path.read_text(encoding="utf-8"))) & set(FORBIDDEN_MODULES)
        if bad:
            offenders[path.name] = sorted(bad)
    assert offenders == {}


def test_models_write_no_files():
    offenders = []
    for path in sorted((ROOT / "models").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            if isinstance(func, ast.Name) and func.id in FORBIDDEN_FUNCTIONS:
                offenders.append(f"{path.name}:{node.lineno} {func.id}()")
            elif isinstance(func, ast.Attribute) and (func.attr in FORBIDDEN_METHODS or (
                    isinstance(func.value, ast.Name) and func.value.id == "os")):
                offenders.append(f"{path.name}:{node.lineno} .{func.attr}()")
    assert offenders == []
