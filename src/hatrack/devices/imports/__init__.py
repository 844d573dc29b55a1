"""Importing device exports (Google Admin, Intune, mapped CSV/XLSX) into the fleet.

- `service`: `import_devices`, its two passes (check and classify everything, then
  write in one transaction) and what it promises; dry runs are the preview.
- `results`: `DeviceImportResult`, its counts, samples and discrepancies, and the
  sentence that summarizes it.
- `uploads`: storing an uploaded export, queuing its preview, confirming it.
- `spool`: the rows waiting on disk between the two passes.

The files themselves are read by `devices.importers`.
"""
