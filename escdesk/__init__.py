"""EscDesk core: domain, policy, store and services. Never imports Qt (a test enforces it)."""

__version__ = "0.1.0"
