"""The Python API: `assess`, `rank` and `summarize` on numpy arrays, DataFrames or summaries.

Same computation as POST /assess (`services.assess.evaluate`) and POST /rank
(`services.rank.evaluate_ranking`), without a server or database.
"""

from .assess import assess
from .rank import RankingResult, rank
from .result import AssessmentResult
from .summary import Summary, summarize

__all__ = ["AssessmentResult", "RankingResult", "Summary", "assess", "rank", "summarize"]
