"""Billhound's public contract: envelope, topic models, records, error taxonomy."""
