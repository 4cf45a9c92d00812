"""Line-in, line-out worker processes: CPU-heavy batch work (parsing, cutting text for the
search index) done beside the process that writes to the database.

A worker is ``python -m MODULE``: it reads one request per line on stdin and writes one reply
per line on stdout, in order. Workers start from a light module rather than by forking, so
each holds only what its job needs, not a copy of the parent."""

from __future__ import annotations

import contextlib
import queue
import subprocess
import sys
import threading
from collections.abc import Generator, Iterable


def ordered(
    module: str, requests: Iterable[bytes], *, processes: int, depth: int = 2
) -> Generator[bytes, None, None]:
    """The replies to ``requests`` (each one line, no newline), in request order, from
    ``processes`` workers taking the requests in turn.

    ``requests`` is consumed in the caller's thread (it may read the caller's database
    session), at most ``depth`` requests per worker ahead of the replies taken, so memory
    stays flat however many requests there are."""
    procs = [
        subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", module],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            bufsize=1 << 20,  # replies are lines of a few MB: read them in large chunks
        )
        for _ in range(max(1, processes))
    ]
    outbox: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
    failure: list[BaseException] = []

    def write() -> None:
        # A thread writes, so the caller never blocks on a worker's full stdin while that
        # worker waits for the caller to read its stdout.
        n = 0
        try:
            while (request := outbox.get()) is not None:
                stdin = procs[n % len(procs)].stdin
                assert stdin is not None
                stdin.write(request + b"\n")
                stdin.flush()
                n += 1
        except BaseException as exc:  # re-raised by the reader below
            failure.append(exc)
        finally:
            for proc in procs:
                assert proc.stdin is not None
                # A worker that died cannot be closed cleanly: its exit status tells.
                with contextlib.suppress(OSError):
                    proc.stdin.close()

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    try:
        pending = iter(requests)
        sent = received = 0
        more = True
        while True:
            while more and sent - received < depth * len(procs):
                request = next(pending, None)
                if request is None:
                    more = False
                    outbox.put(None)
                    break
                outbox.put(request)
                sent += 1
            if received == sent:
                break
            # Each worker answers in its requests' order and they are read in turn, so the
            # reply waited for is one its worker has been sent.
            stdout = procs[received % len(procs)].stdout
            assert stdout is not None
            line = stdout.readline()
            if not line:
                raise RuntimeError(
                    f"worker {module} stopped (exit {procs[received % len(procs)].wait()})"
                    + (f": {failure[0]}" if failure else "")
                )
            received += 1
            yield line
        writer.join()
        if failure:
            raise failure[0]
        for proc in procs:
            if proc.wait() != 0:
                raise RuntimeError(f"worker {module} failed (exit {proc.returncode})")
    finally:
        outbox.put(None)
        for proc in procs:
            if proc.poll() is None:  # the caller stopped early, or a worker failed
                proc.kill()
            assert proc.stdout is not None
            proc.stdout.close()
            proc.wait()
