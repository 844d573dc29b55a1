"""The desk's mail settings for leaders: mailboxes and the logs of mail in and out."""

from django.urls import path

from hatrack.servicedesk.views import mail

urlpatterns = [
    path("mailboxes/", mail.mailbox_list, name="mailbox_list"),
    path("mailboxes/new/", mail.mailbox_create, name="mailbox_create"),
    path("mailboxes/<int:pk>/edit/", mail.mailbox_edit, name="mailbox_edit"),
    path("mailboxes/<int:pk>/test/", mail.mailbox_test, name="mailbox_test"),
    path("mail/received/", mail.inbound_mail_list, name="inbound_mail_list"),
    path("mail/sent/", mail.outbound_mail_list, name="outbound_mail_list"),
    path("mail/sent/resend/", mail.outbound_mail_resend, name="outbound_mail_resend"),
]
