from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Newsroom"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        import newsroom.checks  # noqa: F401 (registers the project's system checks)
        from articles import signals

        signals.connect()
