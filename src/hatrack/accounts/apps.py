from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "hatrack.accounts"
    label = "accounts"
    verbose_name = "Accounts"
