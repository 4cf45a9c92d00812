"""Sample articles in the editorial text template, in normal form (see spec/text-format.md)."""
