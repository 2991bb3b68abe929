"""Use cases a person or another service starts: commands in, domain errors out."""
