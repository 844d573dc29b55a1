from django.urls import path

from hatrack.core.views import tasks

app_name = "tasks"

urlpatterns = [
    path("", tasks.task_list, name="list"),
    path("<uuid:task_id>/", tasks.task_detail, name="detail"),
]
