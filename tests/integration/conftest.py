"""Fixtures shared by the integration tests that run against moto's server (a real HTTP S3/CloudFront/EMR)."""

from __future__ import annotations

import os
import sys
import urllib.request
from pathlib import Path

import pytest
from moto.server import ThreadedMotoServer

VENV_BIN = Path(sys.executable).parent


@pytest.fixture(scope="session")
def moto_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def aws_environment(moto_endpoint, monkeypatch, tmp_path) -> dict[str, str]:
    """Point boto3 and the aws CLI at moto with dummy credentials; return the subprocess env."""
    urllib.request.urlopen(urllib.request.Request(f"{moto_endpoint}/moto-api/reset", method="POST")).close()
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    settings = {
        "AWS_ENDPOINT_URL": moto_endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
        "AWS_CONFIG_FILE": str(tmp_path / "no-aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no-aws-credentials"),
        "PYTHON": sys.executable,
        "AWS_CLI": str(VENV_BIN / "aws"),
    }
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    return dict(os.environ)
