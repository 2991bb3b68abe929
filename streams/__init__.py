"""Faust plumbing: app factory, topics, publishing and the stage runner."""
