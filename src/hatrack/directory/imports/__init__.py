"""Importing a OneRoster 1.1 export into the directory, by sub-domain.

- `service`: `import_oneroster`, its two passes (check everything, then write in one
  transaction) and what it promises.
- `uploads`: storing an uploaded export and queuing its import; the ImportRun's
  lifecycle around the task.
- `results`: `ImportResult`, counts per model, and the sentence that summarizes them.
- `progress`: keeping the ImportRun and the command line's progress bar up to date.
- `orgs`, `people`: the writers for the district, sites and departments, and for people.
- `spool`: the rows waiting on disk between the two passes.

The parsing of the files themselves is `directory.importers.oneroster`.
"""
