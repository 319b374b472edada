"""The test suite stands on its own: no test reads outside the repository, every real fixture has its source."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from tests.real_pages import REAL

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
# Spellings of the sibling folder the real pages were first collected in (built so this file doesn't match).
OUTSIDE = [re.escape(".." + "/shared"), r"parents?\b[^\n]*/\s*[\"']" + "shared", r"[\"']" + r"shared[\"']\s*/",
           re.escape("/" + "work/")]


def suite_modules():
    return [path for path in TESTS.rglob("*.py") if path != Path(__file__).resolve()]


def levels_up(node: ast.AST) -> int | None:
    """How many folders above its own file an expression like Path(__file__).resolve().parents[2].parent climbs."""
    if isinstance(node, ast.Name):
        return 0 if node.id == "__file__" else None
    if isinstance(node, ast.Call):
        inner = node.args[0] if node.args else node.func
        if isinstance(node.func, ast.Attribute):
            inner = node.func.value
        return levels_up(inner)
    if isinstance(node, ast.Attribute):
        below = levels_up(node.value)
        return None if below is None else below + (node.attr == "parent")
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute) and node.value.attr == "parents":
        below = levels_up(node.value.value)
        if below is None or not isinstance(node.slice, ast.Constant):
            return None
        return below + node.slice.value + 1
    return None


def test_no_test_module_refers_to_a_path_outside_the_repository():
    offenders = []
    for path in suite_modules():
        text = path.read_text(encoding="utf-8")
        offenders += [f"{path.relative_to(ROOT)}: {p}" for p in OUTSIDE if re.search(p, text)]
        depth = len(path.relative_to(ROOT).parts)  # parents of tests/x/y.py: 1 = tests/x, 2 = tests, 3 = the root
        for node in ast.walk(ast.parse(text)):
            up = levels_up(node) if isinstance(node, (ast.Attribute, ast.Subscript)) else None
            if up is not None and up > depth:
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}: climbs {up} folders above the file")
    assert not offenders, offenders


def test_the_guard_sees_the_spellings_it_guards_against():
    climbing = ast.parse("Path(__file__).resolve().parents[2].parent / 'x'").body[0].value.left
    assert levels_up(climbing) == 4
    assert levels_up(ast.parse("Path(__file__).parent").body[0].value) == 1
    sample = 'ROOT.parent / "' + 'shared" / "fixtures"'  # built so this file doesn't match itself
    assert any(re.search(p, sample) for p in OUTSIDE)


def test_every_real_fixture_is_listed_in_sources():
    sources = (REAL / "SOURCES.md").read_text(encoding="utf-8")
    files = [f for f in REAL.rglob("*") if f.is_file() and f.name != "SOURCES.md"]
    assert files
    unlisted = [str(f.relative_to(REAL)) for f in files if f.relative_to(REAL).as_posix() not in sources]
    assert not unlisted, f"not in tests/fixtures/real/SOURCES.md: {unlisted}"
