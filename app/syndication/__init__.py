"""Syndication: feeds and the standard representations of an article."""
