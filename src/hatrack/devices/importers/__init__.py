"""Reading device exports of management consoles and spreadsheets, one module per format.

- `google_admin`: Google Admin's ChromeOS devices export (CSV).
- `intune`: Microsoft Intune's "All devices" export (CSV, or the .zip holding it).
- `spreadsheet`: any CSV or XLSX file, with a column mapping chosen by the uploader.

Each produces `DeviceRow`s and row-level `RowError`s (line, column, reason) through the
one engine in `layout`; `tables` reads the files (encodings, BOM, zip, XLSX) and `fields`
turns cells into values. Nothing here touches the database: `devices.imports` applies
the rows.
"""
