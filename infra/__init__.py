"""Wiring: settings, the composition root, the CLI, local services and demo portals."""
