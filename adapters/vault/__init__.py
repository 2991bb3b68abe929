"""Credential sealing: public-key boxes so only fetchers can read a password."""
