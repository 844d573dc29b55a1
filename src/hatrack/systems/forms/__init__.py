"""The systems hat's forms, one module per area."""
