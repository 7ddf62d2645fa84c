"""The Python API: `assess` and `summarize` on numpy arrays, DataFrames or summaries.

Same computation as POST /assess (`services.assess.evaluate`), without a server or database.
"""

from .assess import assess
from .result import AssessmentResult
from .summary import Summary, summarize

__all__ = ["AssessmentResult", "Summary", "assess", "summarize"]
