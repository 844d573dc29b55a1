"""Page forms of the service desk, by area; the services do the writing."""
