"""Only ``articles/internals.py`` touches Django's internals, and a Django
upgrade that moves what it touches fails here, loudly, before production."""

import ast
from pathlib import Path

import pytest
from django.core.cache.backends import redis
from django.db import connection
from django.db.models.sql.compiler import SQLCompiler
from django.db.models.sql.query import Query

from articles import internals
from articles.models import Article
from tests.factories import make_article

ROOT = Path(__file__).resolve().parent.parent
ADAPTER = ROOT / "articles" / "internals.py"

# Django modules that are not its public API (the documented ones are
# ``django.db.models``, ``django.db.models.expressions``, ``...signals`` and
# the like).
PRIVATE_MODULES = (
    "django.core.cache.backends",
    "django.core.handlers",
    "django.db.backends.base",
    "django.db.backends.postgresql",
    "django.db.backends.sqlite3",
    "django.db.backends.utils",
    "django.db.models.base",
    "django.db.models.query_utils",
    "django.db.models.sql",
    "django.db.models.fields.related_descriptors",
    "django.template.base",
    "django.utils.deprecation",
)
# Attributes of Django objects that are internals: a query's compiler and
# aliases, a model instance's state and prefetch cache, a connection's
# pending commit hooks, the Redis backend's pools and clients.
PRIVATE_ATTRIBUTES = frozenset(
    {
        "get_compiler",
        "get_initial_alias",
        "quote_name_unless_alias",
        "sql_with_params",
        "_state",
        "_prefetched_objects_cache",
        "run_on_commit",
        "_get_connection_pool",
        "_client",
        "_cache",
        "_class",
    }
)


def product_modules():
    for folder in ("articles", "newsroom"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "migrations" not in path.parts and path != ADAPTER:
                yield path


def reaches_into_django(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.Attribute) and node.attr in PRIVATE_ATTRIBUTES:
            found.append(f"{path.name}:{node.lineno} .{node.attr}")
            continue
        else:
            continue
        private = [
            name
            for name in names
            if name.startswith(PRIVATE_MODULES) or ("django." in name and "._" in name)
        ]
        if private:
            found.append(f"{path.name}:{node.lineno} {private[0]}")
    return found


def test_no_module_but_the_adapter_reaches_into_django():
    reaching = [
        line for path in product_modules() for line in reaches_into_django(path)
    ]
    assert reaching == [], "Django internals outside articles/internals.py"


def test_the_import_rule_catches_what_it_forbids(tmp_path):
    offender = tmp_path / "offender.py"
    offender.write_text(
        "from django.db.models.sql.query import Query\n"
        "def load(story):\n"
        "    return story._state.adding\n"
    )
    assert len(reaches_into_django(offender)) == 2


def test_the_internals_the_adapter_uses_are_still_there():
    """Each name the adapter reaches for, as this Django version has it."""
    assert callable(Query.sql_with_params) and callable(Query.get_compiler)
    assert callable(Query.get_initial_alias)
    assert callable(SQLCompiler.quote_name_unless_alias)
    assert callable(redis.RedisCacheClient._get_connection_pool)
    client = redis.RedisCacheClient(["redis://127.0.0.1:1/0"])
    assert client._client is not None
    assert redis.RedisCache("redis://127.0.0.1:1/0", {})._class is not None


@pytest.mark.django_db
def test_the_sql_the_adapter_gives_runs_as_the_queryset_does():
    story = make_article(headline="Submarine refit")
    live = Article.objects.published().filter(pk=story.pk).values("pk")
    sql, params = internals.queryset_sql(live)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        assert cursor.fetchall() == [(story.pk,)]
    assert internals.queryset_sql(live, connection)[0] == sql


@pytest.mark.django_db
def test_the_shared_redis_client_is_built_once_per_pool():
    cache = internals.RedisCache("redis://127.0.0.1:1/0", {})
    client = cache._cache.get_client()
    assert cache._cache.get_client() is client
    assert isinstance(client, redis.RedisCacheClient(["redis://x"])._lib.Redis)
