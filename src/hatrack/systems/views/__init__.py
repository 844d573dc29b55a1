"""The systems hat's views, one module per area."""
