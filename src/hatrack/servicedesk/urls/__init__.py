"""The service desk's pages under /servicedesk/: the technician's workspace, the
knowledge base, metrics and the desk's settings. The staff portal lives under /help/
(`urls.portal`, its own namespace)."""

from hatrack.servicedesk.urls import attachments, desk, knowledge, mail, metrics, settings, sla

app_name = "servicedesk"
urlpatterns = [
    *desk.urlpatterns,
    *knowledge.urlpatterns,
    *metrics.urlpatterns,
    *settings.urlpatterns,
    *mail.urlpatterns,
    *attachments.urlpatterns,
    *sla.urlpatterns,
]
