"""Health checks run by the worker: probes (network only), the guard against reaching
internal addresses, the runner (one unit of work: claim, probe, record), the loop the
worker runs, and the hourly rollup of old results."""
