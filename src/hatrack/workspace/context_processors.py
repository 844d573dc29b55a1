"""What every page's layout needs: the district's name and the hats the user may open."""

from typing import Any

from django.http import HttpRequest

from hatrack.core.permissions import allowed_actions
from hatrack.workspace.navigation import district_name, navigation_for


def workspace(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"district_name": district_name()}
    return {
        "district_name": district_name(),
        "nav": navigation_for(request),
        "can": {action.replace(".", "_"): True for action in allowed_actions(user)},
    }
