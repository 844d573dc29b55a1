"""The devices pages' forms, by area (records, scanning, repairs, catalog, imports,
labels, audits)."""
