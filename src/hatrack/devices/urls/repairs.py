"""Repairs, loaners and damage fees: /devices/repairs/… and /devices/fees/…, and the
forms that open a repair or charge a fee for one device (/devices/<pk>/…)."""

from django.urls import path

from hatrack.devices.views import fees, repairs

urlpatterns = [
    path("repairs/", repairs.repair_list, name="repair_list"),
    path("repairs/new/", repairs.repair_start, name="repair_start"),
    path("<int:pk>/repairs/new/", repairs.repair_create, name="repair_create"),
    path("repairs/<int:pk>/", repairs.repair_detail, name="repair_detail"),
    path("repairs/<int:pk>/edit/", repairs.repair_edit, name="repair_edit"),
    path("repairs/<int:pk>/parts/", repairs.repair_part_add, name="repair_part_add"),
    path("repairs/<int:pk>/parts/remove/", repairs.repair_part_remove, name="repair_part_remove"),
    path("repairs/<int:pk>/loaner/", repairs.repair_loaner, name="repair_loaner"),
    path("repairs/<int:pk>/close/", repairs.repair_close, name="repair_close"),
    path("fees/", fees.fee_list, name="fee_list"),
    path("<int:pk>/fees/new/", fees.fee_create, name="fee_create"),
    path("fees/<int:pk>/", fees.fee_detail, name="fee_detail"),
    path("fees/<int:pk>/payment/", fees.fee_payment, name="fee_payment"),
    path("fees/<int:pk>/waive/", fees.fee_waive, name="fee_waive"),
]
