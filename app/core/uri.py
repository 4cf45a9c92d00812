"""The characters a URI may hold (RFC 3986): one definition for the JSON API, which refuses
any other, and the text template, where a URL ends at the first other character."""

from __future__ import annotations

# Printable ASCII except space " < > \ ^ ` { | } (everything else is percent-encoded).
URI_CHARS = r"\x21\x23-\x3b\x3d\x3f-\x5b\x5d\x5f\x61-\x7a\x7e"
