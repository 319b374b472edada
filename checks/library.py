"""Importing this registers every check: each module of checks/rules/ is one check-id prefix."""

import importlib
import pkgutil

import checks.rules

for _module in pkgutil.iter_modules(checks.rules.__path__):
    importlib.import_module(f"checks.rules.{_module.name}")
