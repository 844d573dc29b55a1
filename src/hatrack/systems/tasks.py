"""Background entry points of the systems hat; each submodule declares its periodic jobs
(see core.schedule). The health-check loop itself runs inside `hatrack worker`
(`systems.checks.loop`), not as a queued task."""

import hatrack.systems.alert_jobs  # noqa: F401  (escalation, webhook retries)
from hatrack.systems import incident_jobs  # noqa: F401  (auto-resolve every minute)
from hatrack.systems.checks import jobs as check_jobs  # noqa: F401  (hourly rollup)
