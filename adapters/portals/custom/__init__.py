"""Hand-written adapters, for portals data cannot describe (see docs/adapters.md).

Each is a class taking (PortalHttp, Supplier) and implementing PortalSession; the
catalog names it with `"engine": "custom", "adapter": "<name>"`. Only names listed
here can be loaded, so a catalog entry can never import arbitrary code.
"""

ADAPTERS: dict[str, type] = {}
