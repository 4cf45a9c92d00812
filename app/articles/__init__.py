"""Articles: the document, its storage, and the v1 routes that read and write it."""
