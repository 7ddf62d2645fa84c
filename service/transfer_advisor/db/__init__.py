"""Storage: typed tables, engine setup and every query."""
