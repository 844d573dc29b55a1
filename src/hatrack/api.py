"""The REST API root: one NinjaAPI, each app adds its router."""

from ninja import NinjaAPI

api = NinjaAPI(title="Hatrack API", version="1", urls_namespace="api")
