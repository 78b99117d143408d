"""The Sphinx glue: `setup()` and the events it connects, the `kb_` options Sphinx knows, how
problems reach the build's log, and the tuning of the build itself (memory, serial reads, which
documents Sphinx reads)."""
