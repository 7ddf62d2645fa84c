"""Transfer Advisor: will transfer learning help this task, or hurt it?"""

__version__ = "0.1.0"
