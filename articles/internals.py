"""The one module that touches Django's internals, each use with why nothing
public does it. ``tests/test_django_internals.py`` fails loudly if a Django
upgrade moves any of them, and fails if any other module reaches into them.

- **SQL of a queryset** (``queryset_sql``): the reader's section blocks and
  related stories join several small, index-ordered queries with UNION ALL,
  which Django cannot express on SQLite ("LIMIT/OFFSET not allowed in
  subqueries of compound statements") and which a window function would
  replace by a scan of every live story.
- **The outer table of a custom expression** (``outer_table``,
  ``outer_pk_column``): a correlated piece of SQL written out in an
  ``Expression.as_sql`` names the table of the query it sits in, by the
  alias Django gave it.
- **One redis-py client per connection pool** (``RedisCache``): Django
  builds a new ``redis.Redis`` for every cache call, and its constructor
  registers some 170 response callbacks: on a page-cache hit that was a
  third of the time spent in Python. The client is a thin, thread-safe
  wrapper over its pool, so one per pool serves every call. The backend
  also publishes and subscribes, for the page cache's generation watch.
"""

from django.core.cache.backends import redis

# Seconds to wait for Redis to confirm a subscription (as long as a connect).
SUBSCRIBE_TIMEOUT = 0.5


def queryset_sql(queryset, connection=None) -> tuple[str, tuple]:
    """The SQL and parameters Django would run for ``queryset`` (on its own
    database, or compiled for ``connection``)."""
    if connection is None:
        return queryset.query.sql_with_params()
    return queryset.query.get_compiler(connection=connection).as_sql()


def outer_table(compiler) -> str:
    """The quoted alias of the table of the query ``compiler`` compiles."""
    return compiler.quote_name_unless_alias(compiler.query.get_initial_alias())


def outer_pk_column(compiler, connection) -> str:
    """The quoted primary-key column of that table."""
    return connection.ops.quote_name(compiler.query.model._meta.pk.column)


class SharedClientRedisCacheClient(redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(redis.RedisCache):
    """Django's Redis cache, sharing clients, able to publish and subscribe."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = SharedClientRedisCacheClient

    def subscribe(self, channel: str):
        """A redis-py ``PubSub`` listening on ``channel`` (in this cache's key
        namespace), returned once Redis has confirmed the subscription."""
        pubsub = self._cache.get_client().pubsub()
        pubsub.subscribe(self.make_and_validate_key(channel))
        confirmation = pubsub.get_message(timeout=SUBSCRIBE_TIMEOUT)
        if not confirmation or confirmation["type"] != "subscribe":
            pubsub.close()
            raise ConnectionError(
                f"Redis did not confirm the subscription to {channel}"
            )
        return pubsub

    def announce(self, channel: str) -> None:
        """Publish on ``channel``, then make one more round trip: Redis writes a
        message to its subscribers' sockets before it reads the next command,
        so when ``announce`` returns every subscriber can already read it."""
        client = self._cache.get_client(write=True)
        client.publish(self.make_and_validate_key(channel), b"1")
        client.ping()
