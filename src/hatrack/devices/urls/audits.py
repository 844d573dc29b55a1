"""Physical audits: start one, scan what is there, read and export its lists, finish."""

from django.urls import path

from hatrack.devices.views import audits

urlpatterns = [
    path("audits/", audits.audit_list, name="audit_list"),
    path("audits/<int:pk>/", audits.audit_detail, name="audit_detail"),
    path("audits/<int:pk>/scan/", audits.audit_scan, name="audit_scan"),
    path("audits/<int:pk>/finish/", audits.audit_finish, name="audit_finish"),
    path("audits/<int:pk>/mark-lost/", audits.audit_mark_lost, name="audit_mark_lost"),
]
