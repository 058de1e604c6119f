"""The year's open data (a stage beside the writers): every area's figures as CSV tables, the
records as one JSON file and a Frictionless data package describing them, in out/<year>/opendata/.

Each area's part (its rows and its JSON) is made where the area's record is loaded, in a
worker process (:func:`writer.area_part`); the build writes the parts in area order as they
come (:class:`writer.OpenDataWriter`), so the main process never loads a record nor holds the
year. The package imports nothing itself: formgen.config reads :data:`ids.RESERVED` from it.
"""
