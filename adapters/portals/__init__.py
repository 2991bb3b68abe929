"""Supplier portals: protocol, catalog, and the adapters that speak to them."""
