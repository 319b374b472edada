"""Every rule family module; importing this registers all checks."""

from checks import disclosure, site  # noqa: F401
