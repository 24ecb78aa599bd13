"""The suite runs against the database DATABASE_URL names, PostgreSQL included."""

import os

import pytest
from django.db import connection

from tests.conftest import require_service

pytestmark = pytest.mark.django_db


def test_suite_runs_on_the_configured_database():
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        require_service("PostgreSQL", "DATABASE_URL does not point at PostgreSQL")
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        assert int(cursor.fetchone()[0].split(".")[0]) >= 13
