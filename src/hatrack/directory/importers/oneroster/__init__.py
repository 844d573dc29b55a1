"""OneRoster 1.1 CSV: open a folder or a zip, stream its files, validate rows into typed rows.

What this package promises:
- Files are streamed: a 100 MB users.csv is read a line at a time through the standard
  library `csv` module over a decoded text stream, never loaded whole.
- Encodings: UTF-8 with or without a byte order mark, UTF-16/32 with one. Anything that
  does not decode is a `OneRosterFileError` naming the file and the line.
- Whole-file problems (not a zip or CSV, unsafe zip member names, zip bombs, malformed CSV,
  NUL bytes, missing columns, empty files, runaway lines) raise `OneRosterFileError` with
  one message written for the person who uploaded the file.
- Row problems become `RowError(file, line, field, reason)`; the line is the physical
  line where the record starts (the header is line 1). Extra columns are ignored.
- Rows the product deliberately does not keep (guardians, parents: privacy) are `Skipped`.

Modules, by sub-domain:
- `rows`: what comes out: `OrgRow`, `UserRow`, `Skipped`, `RowError`, `OneRosterFileError`.
- `files`: `OneRosterSet`, a folder, zip or single CSV file; decoding; the manifest.
- `zips`: the safety checks on a zip's members (unsafe paths, passwords, zip bombs).
- `reader`: `CsvReader`, the header check and the record stream with its CSV errors.
- `fields`: the fields every row has (sourcedId, status, dateLastModified) and checks.
- `orgs`, `users`: `OrgParser` and `UserParser`, one row at a time.

Nothing here touches the database: the service in `directory.imports.service` looks up
what exists and applies the rows.
"""
