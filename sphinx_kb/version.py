"""The version of sphinx-kb (one place: the package, the kb command and caches read it)."""

__version__ = "0.1.0"
