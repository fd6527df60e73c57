"""The archive's storage: the SQLite catalogue with its FTS5 keyword index, the Chroma
vectors, and the index that keeps the two in step."""
