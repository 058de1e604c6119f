"""formgen: official Japanese municipal evaluation sheets from validated YAML records."""

__version__ = "0.1.0"
