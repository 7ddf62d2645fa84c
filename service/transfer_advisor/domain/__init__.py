"""Pure numpy domain logic: input decoding, summaries, metrics, the decision policy, audit hashing."""
