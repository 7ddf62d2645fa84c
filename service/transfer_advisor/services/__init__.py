"""Use cases: inputs -> metrics -> policy -> record, and the reads around them."""
