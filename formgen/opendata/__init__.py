"""The year's open data (a stage beside the writers): every area's figures as CSV tables, the
records as one JSON file and a Frictionless data package describing them, in out/<year>/opendata/.

Each area's part (its rows and its JSON) is made where the area's record is loaded, in a
worker process (:func:`area_part`); the build writes the parts in area order as they come
(:class:`OpenDataWriter`), so the main process never loads a record nor holds the year.
"""

from .package import DATA_FILES, FOLDER
from .writer import AreaPart, OpenDataWriter, area_part

__all__ = ["DATA_FILES", "FOLDER", "AreaPart", "OpenDataWriter", "area_part"]
