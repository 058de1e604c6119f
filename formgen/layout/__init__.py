"""Layouts: the layout YAML as a checked model (stage 3 of the pipeline)."""
