"""HTTP layer: routers translate between the wire and the use cases; nothing else."""
