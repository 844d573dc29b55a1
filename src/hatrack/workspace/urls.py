from django.urls import path

from hatrack.workspace import views

app_name = "hats"

urlpatterns = [
    path(f"{key}/", views.hat_page, {"key": key}, name=key)
    for key in (
        "planning",
        "security",
        "policies",
        "reports",
        "peers",
    )
]
