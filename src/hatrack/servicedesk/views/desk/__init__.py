"""The technician's workspace: the live queue with keyboard triage and bulk actions, a
ticket's page, new tickets on someone's behalf, canned responses and saved views."""
