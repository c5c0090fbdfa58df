#!/usr/bin/env python3
"""Checks that PostGraphile answers the six benchmark queries with City Atlas's data.

    python3 bench/postgraphile/compare.py CITYATLAS_URL POSTGRAPHILE_URL

Both URLs end in /graphql and serve the same database. For each query it prints the
response size and time of one request to each server, and whether the answers, reduced to
plain rows (the shapes of the two schemas differ), are equal. Exits 1 on any error or
difference. Traffic goes only to the URLs given; one request per query and server (plus
the two look-ups that fill in Q2's indicator id and Q4's cursors).
"""

from __future__ import annotations

import json
import sys
import time
import urllib.request

# The City Atlas queries, as in bench/run.
CITYATLAS = {
    "Q0": "{ __typename }",
    "Q1": "{ countries(first: 100, orderBy: {field: CODE}) { nodes { code name iso3 advantages } } }",
    "Q2": '{ indicator(code: "synthetic_indicator_001") { series(subjects: ["AA", "AB"]) '
    "{ subject { key } points { year period value observation { source { title } } } } } }",
    "Q3": '{ city(slug: "city-00001") { name country { code name } companies(first: 20) { slug name } '
    "policies { slug title } observations(first: 20) { nodes { year value } } } }",
    "Q4": "{ observations(first: 100, after: $AFTER) { nodes { year value } } }",
    "Q5": "{ countries(first: 100, orderBy: {field: CODE}) { nodes { code cities(first: 10) { slug "
    "companies(first: 5) { slug policies { policy { slug } } } } } } }",
}
# City Atlas caps `last` at 100: the cursor of the 101st row from the end takes two steps.
CITYATLAS_Q4_CURSOR = "{ observations(last: 100) { pageInfo { startCursor } } }"
CITYATLAS_Q4_CURSOR_2 = "{ observations(last: 1, before: $BEFORE) { pageInfo { startCursor } } }"

# The same queries for PostGraphile 5 (amber preset, server.mjs). See queries.md.
OBS_SERIES = ("observationsBySubjectId(condition: {indicatorId: $INDICATOR_ID}, "
              "orderBy: [YEAR_ASC, PERIOD_ASC, PRIMARY_KEY_ASC]) "
              "{ nodes { year period value sourceBySourceId { title } } }")
POSTGRAPHILE = {
    "Q0": "{ __typename }",
    "Q1": "{ allCountries(first: 100, orderBy: CODE_ASC) { nodes { code name iso3 advantages } } }",
    "Q2": "{ "
    + " ".join(f'{alias}: allSubjects(condition: {{key: "{key}"}}, orderBy: PRIMARY_KEY_ASC) '
               f"{{ nodes {{ key {OBS_SERIES} }} }}" for alias, key in (("aa", "AA"), ("ab", "AB")))
    + " }",
    "Q3": '{ cityBySlug(slug: "city-00001") { name countryByCountryId { code name } '
    "companiesByHqCityId(first: 20, orderBy: [NAME_ASC, PRIMARY_KEY_ASC]) { nodes { slug name } } "
    "policyCitiesByCityId(orderBy: PRIMARY_KEY_ASC) { nodes { policyByPolicyId { slug title } } } "
    "subjectBySubjectId { observationsBySubjectId(first: 20, orderBy: [YEAR_ASC, PRIMARY_KEY_ASC]) "
    "{ nodes { year value } } } } }",
    "Q4": "{ allObservations(orderBy: [YEAR_ASC, PRIMARY_KEY_ASC], first: 100, after: $AFTER) "
    "{ nodes { year value } } }",
    "Q5": "{ allCountries(first: 100, orderBy: CODE_ASC) { nodes { code "
    "citiesByCountryId(first: 10, orderBy: [NAME_ASC, PRIMARY_KEY_ASC]) { nodes { slug "
    "companiesByHqCityId(first: 5, orderBy: [NAME_ASC, PRIMARY_KEY_ASC]) { nodes { slug "
    "policyCompaniesByCompanyId(orderBy: PRIMARY_KEY_ASC) { nodes { policyByPolicyId { slug } } } "
    "} } } } } } }",
}
POSTGRAPHILE_Q4_CURSOR = ("{ allObservations(orderBy: [YEAR_ASC, PRIMARY_KEY_ASC], last: 101) "
                          "{ pageInfo { startCursor } } }")
POSTGRAPHILE_INDICATOR_ID = '{ indicatorByCode(code: "synthetic_indicator_001") { rowId } }'


def post(url: str, query: str) -> tuple[dict, int, float]:
    request = urllib.request.Request(url, data=json.dumps({"query": query}).encode(),
                                     headers={"content-type": "application/json"})
    start = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as response:
        body = response.read()
    elapsed = time.perf_counter() - start
    answer = json.loads(body)
    if answer.get("errors") or "data" not in answer:
        raise SystemExit(f"{url}: errors for {query[:80]}…: {answer.get('errors')}")
    return answer["data"], len(body), elapsed


def nodes(connection: dict | None) -> list:
    return (connection or {}).get("nodes", [])


def rows_cityatlas(name: str, data: dict):
    if name == "Q0":
        return data["__typename"]
    if name == "Q1":
        return nodes(data["countries"])
    if name == "Q2":
        return [(s["subject"]["key"],
                 [(p["year"], p["period"], p["value"], p["observation"]["source"]["title"])
                  for p in s["points"]])
                for s in data["indicator"]["series"]]
    if name == "Q3":
        c = data["city"]
        return (c["name"], c["country"], c["companies"], c["policies"], nodes(c["observations"]))
    if name == "Q4":
        return nodes(data["observations"])
    if name == "Q5":
        return [(country["code"],
                 [(city["slug"],
                   [(company["slug"], [p["policy"]["slug"] for p in company["policies"]])
                    for company in city["companies"]])
                  for city in country["cities"]])
                for country in nodes(data["countries"])]
    raise KeyError(name)


def rows_postgraphile(name: str, data: dict):
    if name == "Q0":
        return data["__typename"]
    if name == "Q1":
        return nodes(data["allCountries"])
    if name == "Q2":
        return [(subject["key"],
                 [(o["year"], o["period"], o["value"], o["sourceBySourceId"]["title"])
                  for o in nodes(subject["observationsBySubjectId"])])
                for alias in ("aa", "ab") for subject in nodes(data[alias])]
    if name == "Q3":
        c = data["cityBySlug"]
        return (c["name"], c["countryByCountryId"], nodes(c["companiesByHqCityId"]),
                [link["policyByPolicyId"] for link in nodes(c["policyCitiesByCityId"])],
                nodes(c["subjectBySubjectId"]["observationsBySubjectId"]))
    if name == "Q4":
        return nodes(data["allObservations"])
    if name == "Q5":
        return [(country["code"],
                 [(city["slug"],
                   [(company["slug"],
                     [link["policyByPolicyId"]["slug"]
                      for link in nodes(company["policyCompaniesByCompanyId"])])
                    for company in nodes(city["companiesByHqCityId"])])
                  for city in nodes(country["citiesByCountryId"])])
                for country in nodes(data["allCountries"])]
    raise KeyError(name)


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    cityatlas_url, postgraphile_url = sys.argv[1:]
    ours = dict(CITYATLAS)
    theirs = dict(POSTGRAPHILE)
    cursor = post(cityatlas_url, CITYATLAS_Q4_CURSOR)[0]["observations"]["pageInfo"]["startCursor"]
    cursor = post(cityatlas_url, CITYATLAS_Q4_CURSOR_2.replace("$BEFORE", json.dumps(cursor)))[0][
        "observations"]["pageInfo"]["startCursor"]
    ours["Q4"] = ours["Q4"].replace("$AFTER", json.dumps(cursor))
    cursor = post(postgraphile_url, POSTGRAPHILE_Q4_CURSOR)[0]["allObservations"]["pageInfo"]["startCursor"]
    theirs["Q4"] = theirs["Q4"].replace("$AFTER", json.dumps(cursor))
    indicator_id = post(postgraphile_url, POSTGRAPHILE_INDICATOR_ID)[0]["indicatorByCode"]["rowId"]
    theirs["Q2"] = theirs["Q2"].replace("$INDICATOR_ID", str(indicator_id))
    failed = 0
    for name in CITYATLAS:
        a, a_size, a_time = post(cityatlas_url, ours[name])
        b, b_size, b_time = post(postgraphile_url, theirs[name])
        a_rows, b_rows = rows_cityatlas(name, a), rows_postgraphile(name, b)
        same = a_rows == b_rows
        failed += not same
        print(f"{name}: cityatlas {a_size:,} B {a_time * 1000:.1f} ms | "
              f"postgraphile {b_size:,} B {b_time * 1000:.1f} ms | "
              f"{'same data' if same else 'DIFFERENT DATA'}")
    print(f"{len(CITYATLAS) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
