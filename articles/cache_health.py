"""Whether the shared cache may be asked right now, and where its failures go.

The page cache (``articles.delivery.cache``) plugs its outage memory in when
it loads, so modules below the delivery room (the site clock) rest from a
failed cache as it does, without importing it. Kept in a module of its own
so the plug survives a reload of the modules that use it.
"""

import logging
from collections.abc import Callable

logger = logging.getLogger(__name__)


def _log_failure(error: Exception) -> None:
    logger.debug("shared cache failed: %s", error)


class SharedCacheHealth:
    def __init__(self) -> None:
        self.usable: Callable[[], bool] = lambda: True
        self.failed: Callable[[Exception], None] = _log_failure


shared_cache = SharedCacheHealth()
