"""Every rule family module; importing this registers all checks."""

from checks import disclosure, site  # noqa: F401
from checks import annual_report  # noqa: F401
from checks import emergency, interpretation, normative  # noqa: F401
from checks import ipv6  # noqa: F401
from checks import freshness, interaction, security  # noqa: F401
from checks import decisions, gazette, key_areas, leaders, newmedia, power, request  # noqa: F401
