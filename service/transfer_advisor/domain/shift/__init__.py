"""Domain-shift metrics between a source and a target sample or summary."""
