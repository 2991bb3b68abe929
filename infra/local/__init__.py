"""Embedded services on 127.0.0.1: broker, MongoDB-protocol server, SMTP catcher."""
