"""Keep the API key on the API's origin: a request anywhere else is sent without it.

Why: httpx drops `Authorization` when a redirect leaves the origin, but not other headers, and the
Cekura key travels in `X-CEKURA-API-KEY`; a redirect (or a `next` link) to another host would hand
it over. The transport calls `drop_key_off_origin` on every request it sends, redirects included.
"""

import logging

import httpx

API_KEY_HEADER = "X-CEKURA-API-KEY"

logger = logging.getLogger("cekura_client.key_safety")


def origin(url: httpx.URL | str) -> tuple[str, str, int | None]:
    """Scheme, host and effective port: two URLs share an origin when these are equal."""
    url = httpx.URL(url)
    default_port = {"http": 80, "https": 443}.get(url.scheme)
    return url.scheme, url.host, url.port or default_port


def drop_key_off_origin(request: httpx.Request, api_origin: tuple[str, str, int | None], header: str) -> bool:
    """Remove `header` from `request` unless it goes to `api_origin`; True when it was removed."""
    if header not in request.headers or origin(request.url) == api_origin:
        return False
    del request.headers[header]
    target = f"{request.url.scheme}://{request.url.netloc.decode('ascii')}"
    logger.warning("not sending %s to %s: it is not the API's origin", header, target)
    return True
