"""Transfer Advisor: will transfer learning help this task, or hurt it?"""

import os

# OpenBLAS keeps its worker threads spinning for ~2^28 cycles (~0.1 s) after each BLAS call,
# taking the cores from the numpy passes that follow it: the MMD kernel pass ran 86 ms instead
# of 56 ms right after the Gram matrix. 2^4 cycles puts them to sleep at once. OpenBLAS reads
# this when it loads, so it only takes effect if this package is imported before numpy
# (as `transfer-advisor serve` does); an explicit setting in the environment wins.
os.environ.setdefault("OPENBLAS_THREAD_TIMEOUT", "4")

__version__ = "0.1.0"
