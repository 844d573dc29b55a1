from hatrack.conftest import *  # noqa: F403  (the personas and fixtures, shared with app tests)
