"""Japanese full-text search: text segmented in Python, indexed by FTS5 or tsvector + GIN."""
