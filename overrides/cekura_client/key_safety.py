"""Keep the API key on the API's origin and out of everything the client prints or keeps.

Why: httpx drops `Authorization` when a redirect leaves the origin, but not other headers, and the
Cekura key travels in `X-CEKURA-API-KEY`; a redirect (or a `next` link) to another host would hand
it over. httpx also masks only `Authorization` in a `repr()` of headers. So the key is added to a
request only for the time it is sent, and only when it goes to the API's origin
(`transport.KeyTransport`); a request elsewhere goes without it, with a warning here.
"""

import logging

import httpx

API_KEY_HEADER = "X-CEKURA-API-KEY"

logger = logging.getLogger("cekura_client.key_safety")


def drop_key_off_origin(request: httpx.Request, header: str) -> None:
    """Remove `header` from `request` (one the caller set by hand): it does not go to the API."""
    if header in request.headers:
        del request.headers[header]


def log_off_origin(request: httpx.Request, header: str) -> None:
    """Say that `request` leaves the API's origin without the key (method and origin only)."""
    target = f"{request.url.scheme}://{request.url.netloc.decode('ascii')}"
    logger.warning("not sending %s to %s: it is not the API's origin", header, target)
