"""Every response carries the RateLimit fields; past the quota, a 429 problem with Retry-After.

Counted in memory here (no Redis): one app, one count per caller."""

from __future__ import annotations

import httpx2
import pytest
from fastapi.testclient import TestClient

from app.core.config import Settings
from tests.builders import create, create_key, make_keys
from tests.ratelimit.conftest import MakeClient


def _remaining(response: httpx2.Response) -> int:
    """``r`` of the one ``RateLimit`` field (a layer that kept a page must not add another)."""
    values = response.headers.get_list("ratelimit")
    assert len(values) == 1, values
    _name, r, t = values[0].split(";")
    assert t.startswith("t=")
    return int(r.removeprefix("r="))


def test_every_kind_of_response_carries_the_fields(
    make_client: MakeClient, settings: Settings
) -> None:
    keys = make_keys(settings.database_url)
    client = make_client(rate_limit_anonymous="100/day", rate_limit_write="50/day")
    slug = create(client, keys.write)["slug"]
    anonymous = [
        client.get(f"/v1/articles/{slug}"),  # answered by the fast path
        client.get("/v1/articles"),  # rendered by the route, then kept
        client.get("/v1/articles"),  # the kept page, from the fast path
        client.head("/v1/articles"),
        client.get("/v1/articles/no-such-article"),  # 404 problem
        client.get("/v1/articles", params={"bogus": "1"}),  # 400 problem
        client.delete(f"/v1/articles/{slug}"),  # 401 problem
        client.get("/healthz"),
        client.get("/openapi.json"),
    ]
    etag = anonymous[0].headers["etag"]
    anonymous.append(client.get(f"/v1/articles/{slug}", headers={"If-None-Match": etag}))
    assert [r.status_code for r in anonymous] == [200, 200, 200, 200, 404, 400, 401, 200, 200, 304]
    # The fast path answered these (the app's own layers add an X-Request-ID).
    assert "x-request-id" not in anonymous[0].headers
    assert "x-request-id" not in anonymous[2].headers
    assert "x-request-id" not in anonymous[-1].headers
    for r in anonymous:
        assert r.headers.get_list("ratelimit-policy") == ['"anonymous";q=100;w=86400']
    # One count per request, across the fast path and the routes alike.
    assert [_remaining(r) for r in anonymous] == list(range(99, 89, -1))
    written = client.get(f"/v1/articles/{slug}", headers=keys.write)
    assert written.headers["ratelimit-policy"] == '"write";q=50;w=86400'
    assert _remaining(written) == 48  # the create above was the first


def test_past_the_quota_a_429_problem_with_retry_after(make_client: MakeClient) -> None:
    client = make_client(rate_limit_anonymous="3/day")
    assert [client.get("/v1/articles").status_code for _ in range(3)] == [200, 200, 200]
    refused = client.get("/v1/articles")
    assert refused.status_code == 429
    assert refused.headers["content-type"] == "application/problem+json"
    retry = int(refused.headers["retry-after"])
    assert 1 <= retry <= 86400
    assert refused.headers["ratelimit-policy"] == '"anonymous";q=3;w=86400'
    assert refused.headers["ratelimit"] == f'"anonymous";r=0;t={retry}'
    problem = refused.json()
    assert problem["type"] == "urn:kiji:problem:quota-exceeded"
    assert problem["status"] == 429
    assert problem["violated-policies"] == ["anonymous"]
    assert "3 requests per 86400 s" in problem["detail"]
    head = client.head("/v1/articles")
    assert (head.status_code, head.content) == (429, b"")
    # Refused requests are not counted, and every route is refused alike.
    assert client.post("/v1/articles", json={}).status_code == 429


def test_keys_and_addresses_count_apart(make_client: MakeClient, settings: Settings) -> None:
    keys = make_keys(settings.database_url)
    client = make_client(rate_limit_anonymous="2/day", rate_limit_read="3/day")
    assert [client.get("/v1/articles").status_code for _ in range(3)] == [200, 200, 429]
    # Another address has its own count.
    other = TestClient(client.app, base_url="http://kiji.test", client=("198.51.100.7", 1))
    assert other.get("/v1/articles").status_code == 200
    # A key counts against itself, not the address it calls from.
    with_key = [client.get("/v1/articles", headers=keys.read) for _ in range(4)]
    assert [r.status_code for r in with_key] == [200, 200, 200, 429]
    assert with_key[0].headers["ratelimit-policy"] == '"read";q=3;w=86400'
    assert [_remaining(r) for r in with_key] == [2, 1, 0, 0]
    # Another key of the same scope has a count of its own.
    second = create_key(settings.database_url, "second", ["read"])
    assert client.get("/v1/articles", headers={"X-API-Key": second}).status_code == 200
    # A key that is not valid is counted by address: making keys up buys no quota.
    made_up = {"Authorization": "Bearer kiji_aaaaaaaaaa_not-a-real-secret"}
    refused = client.get("/v1/articles", headers=made_up)
    assert refused.status_code == 429
    assert refused.headers["ratelimit-policy"] == '"anonymous";q=2;w=86400'
    assert client.get("/v1/articles", headers={"Authorization": "Basic eDp5"}).status_code == 429


def test_limits_per_scope_and_per_key_name(make_client: MakeClient, settings: Settings) -> None:
    keys = make_keys(settings.database_url)
    partner = create_key(settings.database_url, "partner-x", ["read"])
    client = make_client(
        rate_limit_read="4/day",
        rate_limit_drafts="5/day",
        rate_limit_write="6/day",
        rate_limit_admin="off",
        rate_limits={"partner-x": "9/day"},
    )
    policies = {
        name: client.get("/v1/articles", headers=headers).headers.get("ratelimit-policy")
        for name, headers in [
            ("read", keys.read),
            ("drafts", keys.drafts),
            ("write", keys.write),
            ("admin", keys.admin),
            ("partner", {"X-API-Key": partner}),
        ]
    }
    assert policies == {
        "read": '"read";q=4;w=86400',
        "drafts": '"drafts";q=5;w=86400',
        "write": '"write";q=6;w=86400',
        "admin": None,  # off: not limited, so no fields
        "partner": '"key";q=9;w=86400',
    }
    admin = [client.get("/v1/articles", headers=keys.admin) for _ in range(10)]
    assert {r.status_code for r in admin} == {200}


def test_all_limits_off_leaves_the_layer_out(make_client: MakeClient, settings: Settings) -> None:
    keys = make_keys(settings.database_url)
    client = make_client(
        rate_limit_anonymous="off",
        rate_limit_read="0",
        rate_limit_drafts="off",
        rate_limit_write="off",
        rate_limit_admin="off",
    )
    assert client.app.front is client.app.fast_path  # type: ignore[attr-defined]
    for headers in ({}, keys.read):
        response = client.get("/v1/articles", headers=headers)
        assert response.status_code == 200
        assert "ratelimit" not in response.headers
        assert "ratelimit-policy" not in response.headers
    spec = client.get("/openapi.json").json()
    assert "429" not in spec["paths"]["/v1/articles"]["get"]["responses"]


def test_a_browser_can_read_the_429(make_client: MakeClient) -> None:
    client = make_client(rate_limit_anonymous="1/day", cors_origins=["https://reader.example"])
    origin = {"Origin": "https://reader.example"}
    ok = client.get("/v1/articles", headers=origin)
    refused = client.get("/v1/articles", headers=origin)
    assert (ok.status_code, refused.status_code) == (200, 429)
    for r in (ok, refused):
        assert r.headers["access-control-allow-origin"] == "https://reader.example"
        exposed = {h.strip().lower() for h in r.headers["access-control-expose-headers"].split(",")}
        assert {"ratelimit", "ratelimit-policy", "retry-after"} <= exposed


def test_openapi_lists_the_429_on_every_operation(make_client: MakeClient) -> None:
    spec = make_client().get("/openapi.json").json()
    operations = [op for item in spec["paths"].values() for op in item.values()]
    assert len(operations) >= 14
    for op in operations:
        too_many = op["responses"]["429"]
        assert "application/problem+json" in too_many["content"]
        assert {"Retry-After", "RateLimit", "RateLimit-Policy"} <= set(too_many["headers"])
    assert "Problem" in spec["components"]["schemas"]


@pytest.mark.parametrize(
    ("ip", "partition"),
    [
        ("192.0.2.1", "ip:192.0.2.1"),
        ("2001:db8:1:2:3:4:5:6", "ip:2001:db8:1:2::/64"),
        ("2001:db8:1:2:ffff::1", "ip:2001:db8:1:2::/64"),
        ("::ffff:192.0.2.1", "ip:192.0.2.1"),
        ("testclient", "ip:testclient"),
    ],
)
def test_ipv6_clients_count_per_64(ip: str, partition: str) -> None:
    from app.ratelimit.callers import address_partition

    assert address_partition(ip) == partition
