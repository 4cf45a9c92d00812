"""Tests for the article text format, its exporter and the Markdown twin."""
