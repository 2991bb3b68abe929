"""The HTTP edge: the /v1 JSON API, the connected suppliers page, invitation pages."""
