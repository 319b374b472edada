"""The workbench tests use the nightly tests' own PostgreSQL server."""

from tests.nightly.conftest import postgres_server  # noqa: F401  (a fixture, imported to be shared)
