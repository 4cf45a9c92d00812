"""`kiji serve` end to end: a real server process on SQLite, migrated and seeded on start."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx

from app.seed import sample_texts
from tests.live import free_port, wait_until_answering


def test_serve_migrates_loads_samples_and_answers(tmp_path: Path) -> None:
    port = free_port()
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
        wait_until_answering(f"{base}/readyz")
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
