"""`CEKURA_LOG=debug|info`: turn on the client's own logs without writing logging code.

`info` shows the retry decisions and the key-safety warnings (`cekura_client.retries`,
`cekura_client.key_safety`); `debug` adds one line per attempt (`cekura_client.http`: method, path,
status, time). No line holds a header, a query string or a body, so the key is never logged.
httpx's own loggers are left to the application: they print full URLs.
"""

import logging
import os

LOG_VARIABLE = "CEKURA_LOG"
LEVELS = {"debug": logging.DEBUG, "info": logging.INFO}
LOG_FORMAT = "[%(asctime)s %(name)s %(levelname)s] %(message)s"

logger = logging.getLogger("cekura_client")


def configure_from_environment() -> None:
    """Apply `$CEKURA_LOG` to the `cekura_client` loggers; unset or empty leaves logging alone."""
    value = os.environ.get(LOG_VARIABLE, "").strip().lower()
    if not value:
        return
    if value not in LEVELS:
        raise ValueError(f"{LOG_VARIABLE}={value!r} is not a log level: use debug or info, or leave it unset")
    logger.setLevel(LEVELS[value])
    if not logger.handlers and not logging.getLogger().handlers:  # else the application's handlers print them
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter(LOG_FORMAT))
        logger.addHandler(handler)
