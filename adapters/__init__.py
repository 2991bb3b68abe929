"""The edges: supplier portals, MongoDB stores, mail, the credential vault."""
