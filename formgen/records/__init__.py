"""Records: the evaluation sheet as validated data (stage 2 of the pipeline)."""

from .load import SourcedRecord, load_record, read_record
from .model import Evidence, Kpi, LogicModel, Measure, PolicyArea, Project

__all__ = [
    "Evidence",
    "Kpi",
    "LogicModel",
    "Measure",
    "PolicyArea",
    "Project",
    "SourcedRecord",
    "load_record",
    "read_record",
]
