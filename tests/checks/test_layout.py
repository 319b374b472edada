"""The layout a newcomer relies on: a check id's prefix names its module in checks/rules/, and rule
modules share code only through checks/facts/ and the shared helpers, never by importing each other."""

import ast
import pkgutil
from pathlib import Path

import checks.facts
import checks.rules
from checks.registry import all_checks

RULES = Path(checks.rules.__file__).parent
FACTS = Path(checks.facts.__file__).parent


def _imported_modules(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def test_every_check_lives_in_the_module_named_by_its_prefix():
    misplaced = {check_id: spec.func.__module__ for check_id, spec in all_checks().items()
                 if spec.func.__module__ != "checks.rules." + check_id.split(".", 1)[0]}
    assert misplaced == {}


def test_every_rule_module_holds_checks():
    modules = {info.name for info in pkgutil.iter_modules([str(RULES)])}
    prefixes = {check_id.split(".", 1)[0] for check_id in all_checks()}
    assert modules == prefixes


def test_rule_modules_never_import_each_other():
    crossing = {}
    for path in sorted(RULES.glob("*.py")):
        others = {name for name in _imported_modules(path)
                  if name == "checks.rules" or name.startswith("checks.rules.")}
        if path.name != "__init__.py" and others:
            crossing[path.name] = sorted(others)
    assert crossing == {}


def test_facts_never_import_rules():
    reaching = {path.name: sorted(name for name in _imported_modules(path) if name.startswith("checks.rules"))
                for path in sorted(FACTS.glob("*.py"))}
    assert {name: found for name, found in reaching.items() if found} == {}
