"""`kiji serve` end to end: a real server process on SQLite, migrated and seeded on start."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from app.seed import sample_texts


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_migrates_loads_samples_and_answers(tmp_path: Path) -> None:
    port = _free_port()
    env = {
        **os.environ,
        "KIJI_DATABASE_URL": f"sqlite:///{tmp_path / 'data' / 'kiji.db'}",
        "KIJI_LOG_LEVEL": "WARNING",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        else:
            raise AssertionError("kiji serve did not become ready in 30 s")
        items = httpx.get(f"{base}/v1/articles").json()["items"]
        assert len(items) == len(sample_texts()) >= 3
        article = httpx.get(f"{base}/v1/articles/{items[0]['slug']}")
        assert article.status_code == 200
        assert article.json()["sections"]
        assert httpx.get(f"{base}/docs").status_code == 200
    finally:
        proc.terminate()
        output, _ = proc.communicate(timeout=10)
    assert f"Kiji is serving on http://127.0.0.1:{port}" in output
    assert "loaded 3 sample articles" in output or "sample articles" in output
