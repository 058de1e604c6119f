"""A project's file and folder names, read by the quick look before anything else is loaded."""

from __future__ import annotations

CONFIG_FILE = "formgen.yaml"
FOLDERS = {"data": "data", "layouts": "layouts", "fonts": "fonts", "out": "out", "assets": "assets"}
"""the folders of a project, relative to formgen.yaml, unless its ``paths`` say otherwise"""
