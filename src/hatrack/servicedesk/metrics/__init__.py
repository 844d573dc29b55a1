"""The leader's metrics: where the service desk's time goes, over a range of dates.

`period` turns the page's filters into a range of local dates; `figures` computes every
figure in a fixed number of grouped queries bounded by the range (the tickets opened in
it, found through `ticket_created_idx`); `percentiles` computes medians and 90th
percentiles the same way on SQLite and PostgreSQL; `charts` draws them as SVG; `report`
puts it together and caches it for a minute per set of filters.
"""
