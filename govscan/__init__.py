"""govscan: assess Chinese government portals against the 政务公开 rules."""

__version__ = "0.1.0"
