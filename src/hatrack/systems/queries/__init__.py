"""The systems hat's queries, one module per area."""
