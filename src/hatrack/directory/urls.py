from django.urls import path

from hatrack.directory.views import calendar, departments, district, imports, people, sites

app_name = "directory"

urlpatterns = [
    path("people/", people.person_list, name="person_list"),
    path("people/export.csv", people.person_export, name="person_export"),
    path("people/new/", people.person_create, name="person_create"),
    path("people/<int:pk>/", people.person_detail, name="person_detail"),
    path("people/<int:pk>/edit/", people.person_edit, name="person_edit"),
    path("sites/", sites.site_list, name="site_list"),
    path("sites/new/", sites.site_create, name="site_create"),
    path("sites/<int:pk>/", sites.site_detail, name="site_detail"),
    path("sites/<int:pk>/edit/", sites.site_edit, name="site_edit"),
    path("departments/", departments.department_list, name="department_list"),
    path("departments/new/", departments.department_create, name="department_create"),
    path("departments/<int:pk>/", departments.department_detail, name="department_detail"),
    path("departments/<int:pk>/edit/", departments.department_edit, name="department_edit"),
    path("district/", district.district_detail, name="district"),
    path("district/edit/", district.district_edit, name="district_edit"),
    path("imports/", imports.import_list, name="import_list"),
    path("imports/new/", imports.import_create, name="import_create"),
    path("imports/<int:pk>/", imports.import_detail, name="import_detail"),
    path("imports/<int:pk>/progress/", imports.import_progress, name="import_progress"),
    path("calendar/", calendar.calendar, name="calendar"),
    path("calendar/hours/", calendar.working_hours_edit, name="working_hours_edit"),
    path("calendar/hours/site/", calendar.site_hours_choose, name="site_hours_choose"),
    path("calendar/hours/sites/<int:site_pk>/", calendar.site_hours_edit, name="site_hours_edit"),
    path("calendar/closures/new/", calendar.closure_create, name="closure_create"),
    path("calendar/closures/<int:pk>/edit/", calendar.closure_edit, name="closure_edit"),
    path("calendar/closures/<int:pk>/delete/", calendar.closure_delete, name="closure_delete"),
]
