"""Run ``datasette serve`` with the same server settings as the other servers.

Executed by the Python of bench/out/.venv-datasette (never the project's venv): it is plain
``datasette serve ARGS...``, except that uvicorn is told to use uvloop + httptools and to write
no access log, as Kiji and the raw ASGI app are run."""

from __future__ import annotations

import sys
from typing import Any


def main(argv: list[str]) -> None:
    import uvicorn
    from datasette.cli import cli  # type: ignore[import-not-found,unused-ignore]

    real_run = uvicorn.run

    def run(app: Any, **kwargs: Any) -> None:
        kwargs.update(access_log=False, loop="uvloop", http="httptools", log_level="warning")
        real_run(app, **kwargs)

    uvicorn.run = run
    cli.main(args=["serve", *argv], prog_name="datasette")


if __name__ == "__main__":
    main(sys.argv[1:])
