"""Cross-cutting pieces every domain package builds on."""
