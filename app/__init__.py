"""Kiji: a structured-content REST API for Japanese news-curation articles."""

__version__ = "0.1.0"
