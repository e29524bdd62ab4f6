"""Use cases: typed request in, result object out; the only layer that opens the store."""
