"""Every state change of the systems hat, one module per area (catalog, states, incidents,
maintenance, alerts): keyword-only, typed, one transaction each, audited."""
