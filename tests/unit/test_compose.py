"""The production compose file, read as Docker would: every Billhound container can
make the links in mails, and only workers ever see a private key."""

from pathlib import Path

import yaml

COMPOSE = yaml.safe_load(Path("docker-compose.yml").read_text())


def test_workers_and_the_api_both_know_the_public_url():
    for name in ("worker", "api"):
        env = COMPOSE["services"][name]["environment"]
        assert "BILLHOUND_PUBLIC_URL" in env, name


def test_only_workers_mount_the_private_keys():
    api = COMPOSE["services"]["api"]
    assert "BILLHOUND_VAULT_PUBLIC_KEY" in api["environment"]
    assert not any("keys" in v for v in api.get("volumes", []))
    worker = COMPOSE["services"]["worker"]
    assert any(v.endswith(":ro") and "keys" in v for v in worker["volumes"])
    assert "10001" in Path("Dockerfile").read_text()  # the uid the guide chowns to


def test_workers_and_the_api_are_health_checked_on_healthz():
    from infra.settings import Settings

    ports = {"worker": Settings().health_port, "api": Settings().api_port}
    for name, port in ports.items():
        service = COMPOSE["services"][name]
        probe = " ".join(service["healthcheck"]["test"])
        assert f"127.0.0.1:{port}/healthz" in probe, name
        assert service["stop_grace_period"] == "10s"
