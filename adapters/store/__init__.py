"""Persistence: ports named for their role, MongoDB and in-memory implementations."""
