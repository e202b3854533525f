"""Retry limits at their edges, counted at a loopback server: which statuses, methods and errors are
retried, the exact backoff and its cap, the Retry-After cap, and what a retry sends again."""

import dataclasses
import importlib
import random
import ssl
from types import ModuleType
from typing import Any

import httpx
import pytest

from .runtime_helpers import API_KEY, EMPTY_PAGE, MODES, RecordedWaits, call, operation
from .scripted_server import Reply, replies, serve

BODY = {"category": "latency"}


@pytest.fixture(scope="module")
def retries(cekura: ModuleType) -> ModuleType:
    return importlib.import_module("cekura_client.retries")


def exact_client(
    cekura: ModuleType, retries: ModuleType, waits: RecordedWaits, url: str, **options: Any
) -> Any:
    """A client whose backoff has no jitter, so each wait is the policy's delay itself."""
    policy = retries.RetryPolicy(
        jitter=lambda delay: delay,
        sleep=waits.sleep,
        async_sleep=waits.async_sleep,
        **options.pop("policy", {}),
    )
    return cekura.Cekura(api_key=API_KEY, base_url=url, retry_policy=policy, **options)


def create_body() -> Any:
    return importlib.import_module("cekura_client.models").CriticalMetricCategory(category="latency")


@pytest.mark.parametrize("mode", MODES)
def test_backoff_doubles_from_half_a_second_up_to_eight(
    mode: str, cekura: ModuleType, retries: ModuleType, waits: RecordedWaits
) -> None:
    with serve(replies(Reply(502))) as server:
        client = exact_client(cekura, retries, waits, server.url, max_retries=6)
        assert call(mode, operation("list"), client=client).status_code == 502
    assert len(server.requests) == 7
    assert waits.waits == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0]


def test_a_policy_sets_its_own_backoff(cekura: ModuleType, retries: ModuleType, waits: RecordedWaits) -> None:
    with serve(replies(Reply(503))) as server:
        policy = {"initial_delay": 1.5, "max_delay": 5.0}
        client = exact_client(cekura, retries, waits, server.url, max_retries=3, policy=policy)
        call("sync", operation("list"), client=client)
    assert waits.waits == [1.5, 3.0, 5.0]


def test_the_default_is_two_retries(cekura: ModuleType, retries: ModuleType, waits: RecordedWaits) -> None:
    with serve(replies(Reply(500))) as server:
        client = exact_client(cekura, retries, waits, server.url)
        assert call("sync", operation("list"), client=client).status_code == 500
    assert len(server.requests) == 3
    assert waits.waits == [0.5, 1.0]


def test_equal_jitter_stays_between_half_and_all_of_the_delay(retries: ModuleType) -> None:
    random.seed(7)
    draws = [retries.equal_jitter(4.0) for _ in range(400)]
    assert all(2.0 <= draw <= 4.0 for draw in draws)
    assert min(draws) < 2.2 and max(draws) > 3.8  # the whole range is used, not one point of it


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504])
def test_each_retryable_status_is_retried_for_a_get(
    status: int, cekura: ModuleType, retries: ModuleType, waits: RecordedWaits
) -> None:
    with serve(replies(Reply(status), Reply(200, EMPTY_PAGE))) as server:
        client = exact_client(cekura, retries, waits, server.url)
        assert call("sync", operation("list"), client=client).status_code == 200
    assert len(server.requests) == 2


@pytest.mark.parametrize("status", [407, 409, 418, 501, 505])
def test_other_statuses_are_returned_at_once(
    status: int, cekura: ModuleType, retries: ModuleType, waits: RecordedWaits
) -> None:
    with serve(replies(Reply(status), Reply(200, EMPTY_PAGE))) as server:
        client = exact_client(cekura, retries, waits, server.url)
        assert call("sync", operation("list"), client=client).status_code == status
    assert len(server.requests) == 1
    assert waits.waits == []


@pytest.mark.parametrize(
    ("name", "arguments", "method", "attempts"),
    [
        ("update", {"id": "5"}, "PUT", 2),  # idempotent: retried
        ("destroy", {"id": "5"}, "DELETE", 2),
        ("partial_update", {"id": "5"}, "PATCH", 1),  # may have been applied: not retried
        ("create", {}, "POST", 1),
    ],
)
def test_503_is_retried_for_idempotent_methods_only(
    name: str,
    arguments: dict[str, Any],
    method: str,
    attempts: int,
    cekura: ModuleType,
    retries: ModuleType,
    waits: RecordedWaits,
) -> None:
    if method in ("PUT", "POST"):
        arguments = {**arguments, "body": create_body()}
    if method == "PATCH":
        models = importlib.import_module("cekura_client.models")
        arguments = {**arguments, "body": models.PatchedCriticalMetricCategory(category="latency")}
    with serve(replies(Reply(503), Reply(200, BODY))) as server:
        client = exact_client(cekura, retries, waits, server.url)
        call("sync", operation(name), client=client, **arguments)
    assert [seen.method for seen in server.requests] == [method] * attempts


@pytest.mark.parametrize("mode", MODES)
def test_a_retry_after_of_exactly_the_cap_is_waited_for(
    mode: str, cekura: ModuleType, retries: ModuleType, waits: RecordedWaits
) -> None:
    answer = replies(Reply(429, headers={"Retry-After": "60"}), Reply(201, BODY))
    with serve(answer) as server:
        client = exact_client(cekura, retries, waits, server.url)
        response = call(mode, operation("create"), client=client, body=create_body())
    assert response.status_code == 201
    assert waits.waits == [60.0]
    assert server.requests[0].body == server.requests[1].body != b""


def test_a_post_429_whose_retry_after_exceeds_the_cap_is_returned(
    cekura: ModuleType, retries: ModuleType, waits: RecordedWaits
) -> None:
    answer = replies(Reply(429, headers={"Retry-After": "61"}), Reply(201, BODY))
    with serve(answer) as server:
        client = exact_client(cekura, retries, waits, server.url)
        assert call("sync", operation("create"), client=client, body=create_body()).status_code == 429
    assert len(server.requests) == 1
    assert waits.waits == []


def test_a_raised_cap_waits_longer(cekura: ModuleType, retries: ModuleType, waits: RecordedWaits) -> None:
    answer = replies(Reply(503, headers={"Retry-After": "90"}), Reply(200, EMPTY_PAGE))
    with serve(answer) as server:
        client = exact_client(cekura, retries, waits, server.url, policy={"max_retry_after": 120.0})
        assert call("sync", operation("list"), client=client).status_code == 200
    assert waits.waits == [90.0]


def test_a_get_503_with_retry_after_waits_for_it(
    cekura: ModuleType, retries: ModuleType, waits: RecordedWaits
) -> None:
    answer = replies(Reply(503, headers={"Retry-After": "0"}), Reply(200, EMPTY_PAGE))
    with serve(answer) as server:
        client = exact_client(cekura, retries, waits, server.url)
        assert call("sync", operation("list"), client=client).status_code == 200
    assert waits.waits == [0.0]


@pytest.mark.parametrize("mode", MODES)
def test_raise_on_error_raises_after_the_last_retry(
    mode: str, cekura: ModuleType, retries: ModuleType, waits: RecordedWaits
) -> None:
    with serve(replies(Reply(503, {"detail": "down"}))) as server:
        client = exact_client(cekura, retries, waits, server.url, raise_on_error=True, max_retries=1)
        with pytest.raises(cekura.ServerError, match=r"^503 Service Unavailable: down$"):
            call(mode, operation("list"), client=client)
    assert len(server.requests) == 2


def request(method: str) -> httpx.Request:
    return httpx.Request(method, "https://api.cekura.ai/test_framework/v1/runs/?secret=1")


@pytest.mark.parametrize(
    ("error", "method", "retried"),
    [
        (httpx.ConnectError("refused"), "POST", True),
        (httpx.ConnectTimeout("slow"), "PATCH", True),
        (httpx.PoolTimeout("busy"), "POST", True),
        (httpx.ReadError("reset"), "GET", True),
        (httpx.ReadTimeout("slow"), "GET", True),
        (httpx.WriteError("reset"), "DELETE", True),
        (httpx.WriteTimeout("slow"), "PUT", True),
        (httpx.RemoteProtocolError("dropped"), "get", True),
        (httpx.ReadError("reset"), "POST", False),
        (httpx.ReadTimeout("slow"), "POST", False),
        (httpx.WriteTimeout("slow"), "PATCH", False),
        (httpx.RemoteProtocolError("dropped"), "post", False),
        (httpx.ProxyError("refused by the proxy"), "GET", False),
        (httpx.UnsupportedProtocol("ftp"), "GET", False),
    ],
)
def test_which_transport_errors_are_retried(
    retries: ModuleType, error: httpx.TransportError, method: str, retried: bool
) -> None:
    policy = retries.RetryPolicy(jitter=lambda delay: delay)
    delay = policy.delay_after_error(request(method), error, 1)
    assert delay == (1.0 if retried else None)


def test_a_tls_failure_is_not_retried_even_when_it_comes_as_a_connect_error(retries: ModuleType) -> None:
    policy = retries.RetryPolicy()
    error = httpx.ConnectError("certificate verify failed")
    try:
        try:
            raise ssl.SSLCertVerificationError("self-signed certificate")
        except ssl.SSLError as cause:
            raise error from cause
    except httpx.ConnectError:
        pass
    assert policy.delay_after_error(request("GET"), error, 0) is None
    # The TLS error only as the implicit context, or only as the explicit cause.
    implicit = httpx.ConnectError("handshake failed")
    implicit.__context__ = ssl.SSLError("handshake failure")
    explicit = httpx.ConnectError("handshake failed")
    explicit.__cause__ = ssl.SSLError("handshake failure")
    for wrapped in (implicit, explicit):
        assert policy.delay_after_error(request("GET"), wrapped, 0) is None
    # A chain of causes that loops back on itself is walked once, not forever.
    looping = httpx.ConnectError("refused")
    looping.__context__ = httpx.ReadError("reset")
    looping.__context__.__context__ = looping
    assert retries._is_tls_failure(looping) is False


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("0", 0.0),
        (" 7 ", 7.0),
        ("nan", None),
        ("inf", float("inf")),
        ("-0.5", None),
        ("Wed, 21 Oct 2026 07:28:30", None),  # a date without a zone is unreadable
        ("Wed, 21 Oct 2026 07:28:30 +0100", 0.0),  # an hour ago
    ],
)
def test_retry_after_edges(retries: ModuleType, header: str, seconds: float | None) -> None:
    from datetime import UTC, datetime

    now = datetime(2026, 10, 21, 7, 28, 0, tzinfo=UTC)
    assert retries.parse_retry_after({"retry-after": header}, now=now) == seconds
    assert retries.parse_retry_after({}, now=now) is None


def test_a_policy_cannot_be_changed_once_shared(retries: ModuleType) -> None:
    """One policy may serve several clients: changing it in place would change them all."""
    policy = retries.RetryPolicy()
    with pytest.raises(dataclasses.FrozenInstanceError):
        policy.max_retry_after = 3600.0
    assert policy.max_retry_after == 60.0


# --- The call's deadline at its edges ----------------------------------------------------------------


@pytest.mark.parametrize("deadline", [0, 0.0, -1.0, float("nan")])
def test_a_deadline_that_is_not_above_zero_is_refused(retries: ModuleType, deadline: float) -> None:
    with pytest.raises(ValueError, match="deadline must be a number of seconds above 0"):
        retries.overall_deadline(httpx.Timeout(5.0), deadline)


@pytest.mark.parametrize(
    ("timeout", "deadline", "seconds"),
    [
        (httpx.Timeout(5.0), 0.5, 0.5),  # given: kept, even below the timeouts
        (httpx.Timeout(5.0), None, 10.0),  # by default twice the longest timeout
        (httpx.Timeout(connect=1.0, read=4.0, write=2.0, pool=3.0), None, 8.0),
        (httpx.Timeout(5.0, connect=None), None, float("inf")),  # one attempt without a limit: none
        (httpx.Timeout(None), None, float("inf")),
        (None, None, float("inf")),
    ],
)
def test_the_default_deadline_is_twice_the_longest_timeout(
    retries: ModuleType, timeout: httpx.Timeout | None, deadline: float | None, seconds: float
) -> None:
    assert retries.overall_deadline(timeout, deadline) == seconds


def test_an_attempt_never_outlasts_what_is_left_of_the_deadline(retries: ModuleType) -> None:
    timeouts = {"connect": 5.0, "read": None, "write": 1.0, "pool": 2.0}
    assert retries.attempt_timeouts(timeouts, 2.0) == {"connect": 2.0, "read": 2.0, "write": 1.0, "pool": 2.0}
    only_read_capped = {"connect": 5.0, "read": 10.0, "write": 1.0, "pool": 2.0}
    assert retries.attempt_timeouts(timeouts, 10.0) == only_read_capped


def test_a_wait_exactly_as_long_as_the_time_left_is_not_made(retries: ModuleType) -> None:
    policy = retries.RetryPolicy(jitter=lambda delay: delay)
    request = httpx.Request("GET", "https://api.cekura.ai/test_framework/v1/scenarios/")
    response = httpx.Response(503, headers={"Retry-After": "2"}, request=request)
    assert policy.delay_after_response(request, response, 0, time_left=2.0) is None
    assert policy.delay_after_response(request, response, 0, time_left=2.01) == 2.0
    error = httpx.ConnectError("refused", request=request)
    assert policy.delay_after_error(request, error, 0, time_left=0.5) is None
    assert policy.delay_after_error(request, error, 0, time_left=0.51) == 0.5


def test_the_log_of_a_wait_past_the_deadline_says_no_time_is_left_not_a_negative_time(
    retries: ModuleType, caplog: pytest.LogCaptureFixture
) -> None:
    policy = retries.RetryPolicy(jitter=lambda delay: delay)
    request = httpx.Request("GET", "https://api.cekura.ai/test_framework/v1/scenarios/")
    with caplog.at_level("INFO", logger="cekura_client.retries"):
        policy.delay_after_error(request, httpx.ConnectError("refused", request=request), 0, time_left=-0.5)
        policy.delay_after_error(request, httpx.ConnectError("refused", request=request), 0, time_left=0.25)
    assert [record.getMessage() for record in caplog.records] == [
        "not retrying GET /test_framework/v1/scenarios/ after ConnectError: "
        "waiting 0.50 s would pass the call's deadline (0.00 s left)",
        "not retrying GET /test_framework/v1/scenarios/ after ConnectError: "
        "waiting 0.50 s would pass the call's deadline (0.25 s left)",
    ]
