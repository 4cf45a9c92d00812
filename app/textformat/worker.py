"""The part of an import that can run in another process: reading and parsing files, and
romanising titles into slugs.

Kept to light imports (no database, web or validation libraries) so that a worker process
costs little memory besides the romanisation dictionaries it alone loads."""

from __future__ import annotations

import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any, Literal

import orjson

from app.articles.slugs import romanise
from app.textformat.markdown import parse_markdown
from app.textformat.parser import parse

Kind = Literal["text", "markdown", "json"]
Source = tuple[str, Kind | None]


@dataclass(slots=True)
class Parsed:
    """One input read and parsed: a document to validate, or the errors that stopped it."""

    name: str
    document: Any = None
    slug: str | None = None
    warnings: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)


def kind_for(name: str, default: Kind = "text") -> Kind:
    lower = name.lower()
    if lower.endswith((".md", ".markdown")):
        return "markdown"
    if lower.endswith(".json"):
        return "json"
    if lower.endswith(".txt"):
        return "text"
    return default


def _slug_for(document: Any) -> str | None:
    """The slug an input will be stored under: its own, or its romanised title."""
    if not isinstance(document, dict):
        return None
    if isinstance(document.get("slug"), str):
        return str(document["slug"])
    title = document.get("title")
    return romanise(title) if isinstance(title, str) and title.strip() else None


def parse_input(name: str, kind: Kind, payload: Any) -> Parsed:
    """Parse one input (template text, Markdown, or an already decoded JSON document)."""
    if kind == "json":
        return Parsed(name, payload, _slug_for(payload))
    if kind == "markdown" and isinstance(payload, bytes):
        payload = payload.decode("utf-8", errors="replace")
    result = parse(payload) if kind == "text" else parse_markdown(str(payload))
    warnings = [{"line": i.line, "message": i.message} for i in result.warnings]
    if result.document is None:
        errors = [{"line": i.line, "message": i.message} for i in result.errors]
        return Parsed(name, None, None, warnings, errors)
    document = dict(result.document)
    return Parsed(name, document, _slug_for(document), warnings)


def parse_files(sources: list[Source]) -> list[Parsed]:
    """Read and parse a batch of files (``-`` is standard input); a JSON file may hold an
    array of documents, each its own input."""
    parsed: list[Parsed] = []
    for name, kind in sources:
        data = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
        label = "<stdin>" if name == "-" else name
        chosen = kind or kind_for(name)
        if chosen != "json":
            parsed.append(parse_input(label, chosen, data))
            continue
        try:
            docs = orjson.loads(data)
        except orjson.JSONDecodeError as exc:
            parsed.append(Parsed(label, errors=[{"line": 1, "message": f"not valid JSON: {exc}"}]))
            continue
        many = isinstance(docs, list)
        for i, doc in enumerate(docs if many else [docs]):
            parsed.append(parse_input(f"{label}[{i}]" if many else label, "json", doc))
    return parsed


def serve(stdin: IO[bytes], stdout: IO[bytes]) -> None:
    """Worker loop: a JSON array of ``[name, kind]`` per input line, a JSON array of parsed
    inputs per output line, until end of input."""
    for line in stdin:
        sources: list[Source] = [(name, kind) for name, kind in orjson.loads(line)]
        stdout.write(orjson.dumps([asdict(p) for p in parse_files(sources)]) + b"\n")
        stdout.flush()


def from_dict(data: dict[str, Any]) -> Parsed:
    return Parsed(**data)


if __name__ == "__main__":
    serve(sys.stdin.buffer, sys.stdout.buffer)
