"""Django's Redis cache backend, with one redis-py client per connection pool.

Django builds a new ``redis.Redis`` object for every cache call, and its
constructor registers some 170 response callbacks: on a page-cache hit that
was a third of the time spent in Python. The client is a thin, thread-safe
wrapper over its connection pool, so one per pool is shared by every call.
Everything else (serialisation, pools, the hiredis parser) is Django's own.

It also publishes and subscribes, for ``articles.delivery.cache``'s watch of the
content generation.
"""

from django.core.cache.backends import redis

# Seconds to wait for Redis to confirm a subscription (as long as a connect).
SUBSCRIBE_TIMEOUT = 0.5


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
