"""Rate limits per API key (per client IP without one), in front of every other layer.

``policy`` turns settings into limits, ``callers`` says whose counter a request hits,
``counters`` keeps the counts (in memory, or in Redis shared by every process), ``fields``
writes the RateLimit header fields, and ``middleware`` puts them together."""
