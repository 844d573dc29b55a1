"""Every change to devices and their records: verb-first, keyword-only, audited."""
