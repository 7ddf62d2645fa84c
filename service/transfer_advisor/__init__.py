"""Transfer Advisor: will transfer learning help this task, or hurt it?

    from transfer_advisor import assess, rank, summarize

`assess`, `rank`, `summarize`, `Summary`, `AssessmentResult` and `RankingResult` load on first use (module
`__getattr__`), so `import transfer_advisor` stays light and loads no numpy: the CLI sets
BLAS thread variables for `serve` before numpy loads.
"""

from __future__ import annotations

import importlib
import os
from typing import TYPE_CHECKING, Any

# OpenBLAS keeps its worker threads spinning for ~2^28 cycles (~0.1 s) after each BLAS call,
# taking the cores from the numpy passes that follow it: the MMD kernel pass ran 86 ms instead
# of 56 ms right after the Gram matrix. 2^4 cycles puts them to sleep at once. OpenBLAS reads
# this when it loads, so it only takes effect if this package is imported before numpy
# (as `transfer-advisor serve` does); an explicit setting in the environment wins.
os.environ.setdefault("OPENBLAS_THREAD_TIMEOUT", "4")

__version__ = "0.1.0"

if TYPE_CHECKING:
    from .library.assess import assess
    from .library.rank import RankingResult, rank
    from .library.result import AssessmentResult
    from .library.summary import Summary, summarize

__all__ = ["AssessmentResult", "RankingResult", "Summary", "__version__", "assess", "rank",
           "summarize"]
_LAZY = frozenset({"AssessmentResult", "RankingResult", "Summary", "assess", "rank",
                   "summarize"})


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(f"{__name__}.library"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
