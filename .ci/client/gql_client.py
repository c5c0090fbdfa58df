#!/usr/bin/env python3
"""A third-party GraphQL client (Python `gql`) against a running City Atlas server.

    python .ci/client/gql_client.py http://127.0.0.1:PORT

The client fetches the schema by introspection (`fetch_schema_from_transport=True`) and
validates every document locally against it before sending, as real integrations do.
Checks:
  a) `indicator(code: "ai_market_size")` with its observations and nested objects;
  b) paging through all `observations` with `first`/`after` and a `$after` variable,
     collecting unique ids until `hasNextPage` is false; their count equals `totalCount`;
  c) an unknown field is rejected locally (GraphQLError, nothing sent), and a server-side
     argument error (`first: 1000`) surfaces as TransportQueryError with code BAD_USER_INPUT;
  d) GET: plain `requests` with `?query=` and `Accept: application/graphql-response+json`
     (success, and 400 + GRAPHQL_VALIDATION_FAILED for an invalid document), and gql's own
     RequestsHTTPTransport(method="GET") with the request sent as query parameters.
Prints one line per check and a closing "N passed, N failed" line; exits 1 on any failure.
"""

from __future__ import annotations

import json
import math
import sys
import traceback
from typing import Any, Callable

import requests
from graphql import GraphQLError
from gql import Client, GraphQLRequest, gql
from gql.transport.exceptions import TransportQueryError
from gql.transport.requests import RequestsHTTPTransport

TIMEOUT_S = 30
MAX_PAGES = 200
GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"

INDICATOR_QUERY = """
query AiMarketSize {
  indicator(code: "ai_market_size") {
    code
    name
    unit
    scale
    observations(first: 5) {
      totalCount
      nodes {
        value
        unit
        scale
        period
        formatted
        subject { __typename key }
        source { title }
      }
    }
  }
}
"""

PAGE_QUERY = """
query ObservationIds($after: String) {
  observations(first: 10, after: $after) {
    pageInfo { hasNextPage endCursor }
    totalCount
    nodes { id }
  }
}
"""

UNKNOWN_FIELD_QUERY = """
query UnknownField {
  indicator(code: "ai_market_size") { code noSuchFieldAnywhere }
}
"""

TOO_MANY_QUERY = """
query TooMany {
  observations(first: 1000) { totalCount }
}
"""

GET_QUERY = """
query IndicatorByCode($code: String!) {
  indicator(code: $code) { code name }
}
"""


def check(condition: bool, message: str) -> None:
    if not condition:
        raise AssertionError(message)


class Counter:
    """Counts HTTP responses seen by a requests session (to prove nothing was sent)."""

    def __init__(self) -> None:
        self.count = 0

    def hook(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        self.count += 1


def check_indicator(session: Any) -> str:
    result = session.execute(gql(INDICATOR_QUERY))
    indicator = result.get("indicator")
    check(indicator is not None, "indicator(code: \"ai_market_size\") is null")
    check(indicator["code"] == "ai_market_size", f"unexpected code {indicator['code']!r}")
    for field in ("name", "unit", "scale"):
        check(bool(indicator[field]), f"indicator.{field} is empty")
    connection = indicator["observations"]
    total = connection["totalCount"]
    nodes = connection["nodes"]
    check(total >= 2, f"ai_market_size has totalCount {total}, expected at least 2")
    check(len(nodes) == min(total, 5), f"got {len(nodes)} nodes for first: 5 of {total}")
    for i, node in enumerate(nodes):
        where = f"observations.nodes[{i}]"
        check(isinstance(node["value"], (int, float)) and math.isfinite(node["value"]),
              f"{where}.value is not a finite number: {node['value']!r}")
        for field in ("formatted", "unit", "scale", "period"):
            check(isinstance(node[field], str) and node[field].strip() != "",
                  f"{where}.{field} is empty")
        check(bool(node["subject"]["__typename"]) and bool(node["subject"]["key"]),
              f"{where}.subject lacks __typename or key: {node['subject']!r}")
        check(bool(node["source"]["title"]), f"{where}.source.title is empty")
    values = ", ".join(f"{n['formatted']} ({n['subject']['key']} {n['period']})" for n in nodes)
    return f"totalCount {total}: {values}"


def check_paging(session: Any) -> str:
    seen: list[str] = []
    after = None
    total = None
    pages = 0
    while True:
        pages += 1
        check(pages <= MAX_PAGES, f"still paging after {MAX_PAGES} pages")
        request = GraphQLRequest(PAGE_QUERY, variable_values={"after": after})
        connection = session.execute(request)["observations"]
        if total is None:
            total = connection["totalCount"]
        check(connection["totalCount"] == total,
              f"totalCount changed while paging: {total} then {connection['totalCount']}")
        seen.extend(node["id"] for node in connection["nodes"])
        info = connection["pageInfo"]
        if not info["hasNextPage"]:
            break
        check(bool(connection["nodes"]), f"page {pages} is empty but hasNextPage is true")
        check(info["endCursor"] is not None, f"page {pages} has hasNextPage but no endCursor")
        after = info["endCursor"]
    unique = set(seen)
    check(len(unique) == len(seen), f"{len(seen) - len(unique)} id(s) repeated across pages")
    check(len(unique) == total, f"collected {len(unique)} unique ids, totalCount is {total}")
    check(total > 0, "there are no observations at all")
    return f"{pages} page(s), {len(unique)} unique ids == totalCount {total}"


def check_errors(session: Any, counter: Counter) -> str:
    before = counter.count
    try:
        session.execute(gql(UNKNOWN_FIELD_QUERY))
    except GraphQLError as error:
        check("noSuchFieldAnywhere" in str(error), f"unexpected local error: {error}")
    except TransportQueryError as error:
        raise AssertionError(f"the unknown field reached the server: {error.errors}") from error
    else:
        raise AssertionError("a query with an unknown field was not rejected")
    check(counter.count == before,
          "local validation failed but the client still sent a request")

    sent = counter.count
    try:
        session.execute(gql(TOO_MANY_QUERY))
    except TransportQueryError as error:
        errors = error.errors or []
        check(bool(errors), f"TransportQueryError without errors: {error}")
        code = (errors[0].get("extensions") or {}).get("code")
        check(code == "BAD_USER_INPUT",
              f"first: 1000 gave code {code!r}, expected BAD_USER_INPUT: {errors[0]}")
    else:
        raise AssertionError("observations(first: 1000) did not fail")
    check(counter.count == sent + 1, "the request counter missed a request")
    return "unknown field rejected locally (0 requests); first: 1000 -> BAD_USER_INPUT"


def check_get(endpoint: str, schema: Any) -> str:
    # 1. Plain GraphQL-over-HTTP GET, negotiating the newer media type.
    accept = {"Accept": f"{GRAPHQL_RESPONSE_JSON}, application/json;q=0.9"}
    response = requests.get(
        endpoint,
        params={"query": GET_QUERY, "variables": json.dumps({"code": "ai_market_size"})},
        headers=accept,
        timeout=TIMEOUT_S,
    )
    content_type = response.headers.get("Content-Type", "")
    check(response.status_code == 200,
          f"GET answered {response.status_code}: {response.text[:300]}")
    check(content_type.startswith(GRAPHQL_RESPONSE_JSON),
          f"GET with Accept {GRAPHQL_RESPONSE_JSON} answered Content-Type {content_type!r}")
    body = response.json()
    check("errors" not in body, f"GET answered errors: {body.get('errors')}")
    check(body["data"]["indicator"]["code"] == "ai_market_size", f"GET answered {body}")

    # 2. An invalid document over GET: a request error, so 400 with the newer media type.
    response = requests.get(endpoint, params={"query": "{ noSuchFieldAnywhere }"},
                            headers=accept, timeout=TIMEOUT_S)
    check(response.status_code == 400,
          f"an invalid document over GET answered {response.status_code}, expected 400")
    errors = response.json().get("errors") or []
    code = (errors[0].get("extensions") or {}).get("code") if errors else None
    check(code == "GRAPHQL_VALIDATION_FAILED",
          f"an invalid document over GET gave code {code!r}: {errors}")

    # 3. gql's own transport with method="GET". Its requests transport would put the
    # payload in a GET body, so the payload goes into the query string through
    # extra_args (passed on to requests) and the body is cleared.
    request = GraphQLRequest(GET_QUERY, variable_values={"code": "ai_market_size"})
    counter = Counter()
    transport = RequestsHTTPTransport(url=endpoint, method="GET", timeout=TIMEOUT_S, retries=0)
    with Client(transport=transport, schema=schema) as session:
        transport.session.hooks["response"].append(counter.hook)
        payload = request.payload
        params = {"query": payload["query"], "variables": json.dumps(payload["variables"])}
        result = session.execute(request, extra_args={"json": None, "data": None,
                                                      "params": params})
    check(result["indicator"]["code"] == "ai_market_size", f"gql GET answered {result}")
    check(counter.count == 1, f"gql GET sent {counter.count} requests, expected 1")
    return (f"plain GET -> 200 {content_type.split(';')[0]}, invalid -> 400 "
            f"GRAPHQL_VALIDATION_FAILED; gql GET transport ok")


def main(argv: list[str]) -> int:
    if len(argv) != 2 or not argv[1].startswith(("http://", "https://")):
        print("usage: gql_client.py http://127.0.0.1:PORT", file=sys.stderr)
        return 2
    endpoint = argv[1].rstrip("/") + "/graphql"
    passed: list[str] = []
    failed: list[str] = []

    def run(name: str, fn: Callable[[], str]) -> None:
        try:
            detail = fn()
        except Exception as error:  # noqa: BLE001 - every failure is reported, then counted
            failed.append(name)
            print(f"FAIL {name}: {type(error).__name__}: {error}")
            if not isinstance(error, AssertionError):
                traceback.print_exc(limit=3)
        else:
            passed.append(name)
            print(f"ok   {name}: {detail}")

    counter = Counter()
    transport = RequestsHTTPTransport(url=endpoint, timeout=TIMEOUT_S, retries=0)
    client = Client(transport=transport, fetch_schema_from_transport=True,
                    execute_timeout=TIMEOUT_S)
    try:
        with client as session:
            # The schema was fetched by introspection when the session opened.
            transport.session.hooks["response"].append(counter.hook)
            schema = client.schema

            def schema_check() -> str:
                check(schema is not None, "no schema was fetched by introspection")
                fields = schema.query_type.fields
                for name in ("indicator", "observations"):
                    check(name in fields, f"the introspected Query type lacks {name}")
                return f"introspected {len(schema.type_map)} types, Query has {len(fields)} fields"

            run("schema by introspection", schema_check)
            run("a) indicator ai_market_size", lambda: check_indicator(session))
            run("b) observations paging", lambda: check_paging(session))
            run("c) local and server errors", lambda: check_errors(session, counter))
            run("d) GET", lambda: check_get(endpoint, schema))
    except Exception as error:  # noqa: BLE001 - e.g. the introspection itself failed
        failed.append("connect")
        print(f"FAIL connect to {endpoint}: {type(error).__name__}: {error}")

    print(f"gql client against {endpoint}")
    print(f"gql: {len(passed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
