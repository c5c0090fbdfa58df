// The GraphQL error contract and the cost model as real frontends see them: Relay
// (relay-runtime's Environment, with operations that relay-compiler generated from
// relay/*.js against the committed schema.graphql) and Apollo Client 4 (InMemoryCache,
// HttpLink), against a running City Atlas server.
//
//   npm ci --ignore-scripts --no-audit --no-fund --prefix .ci/clients
//   (cd .ci/clients && rm -rf relay/__generated__ && ./node_modules/.bin/relay-compiler)
//   node .ci/clients/check.mjs BASE_URL
//
// relay-compiler's Linux binary ships inside its npm package: no postinstall, no download.
// It compiles relay/*.js against the repository's schema.graphql into relay/__generated__
// (ignored by git), so the operations are validated against the schema as it is now.
//
// BASE_URL  e.g. http://127.0.0.1:8080 (the server must already be running); every request
//           goes to BASE_URL/graphql and nowhere else.
//
// What it holds the server to:
// - A field error nulls the field (or, for a non-null field, its nearest nullable parent)
//   and is reported in `errors`; the field is never left out of `data`. Relay warns
//   "Payload did not contain a value for field" and marks the data missing when it is;
//   Apollo's cache cannot read the query back, so cache-first goes to the network again.
// - `node(id: "junk")` is `null`, not absent; `country(code: "CN") { observations(first:
//   1000) }` is `country: null` with BAD_USER_INPUT, `observations` being non-null.
// - A full page of 100 observations with subject, indicator and source, as Relay's
//   generated pagination query and as Apollo (which adds `__typename` everywhere) send
//   it, passes the cost limit.
//
// Both libraries run in development mode (NODE_ENV=development for relay-runtime,
// globalThis.__DEV__ for Apollo) so that they print their warnings; console.error and
// console.warn are captured per check, and any warning from either library fails it.
//
// Prints one line per check, "ok" or "FAIL" with the reasons, then "clients: N passed,
// N failed". Exit 0 when all pass, 1 otherwise.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { format } from 'node:util';

process.env.NODE_ENV = 'development';
globalThis.__DEV__ = true;

const here = path.dirname(fileURLToPath(import.meta.url));
const generated = path.join(here, 'relay', '__generated__');
const schemaPath = path.join(here, '..', '..', 'schema.graphql');
const REQUEST_TIMEOUT_MS = 15_000;
const TOTAL_TIMEOUT_MS = 120_000;
const PAGE = 100;

const rawBase = process.argv[2];
if (!rawBase || !/^https?:\/\//.test(rawBase)) {
  console.error('usage: node .ci/clients/check.mjs http://127.0.0.1:PORT');
  process.exit(1);
}
const base = rawBase.replace(/\/+$/, '');
const url = `${base}/graphql`;

if (!fs.existsSync(path.join(generated, 'NodeJunkQuery.graphql.js'))) {
  console.error(
    `clients: no Relay artifacts in ${generated}; run relay-compiler first ` +
      '(cd .ci/clients && npx --no-install relay-compiler)',
  );
  process.exit(1);
}

const watchdog = setTimeout(() => {
  process.stdout.write(`clients: FAILED, total runtime exceeded ${TOTAL_TIMEOUT_MS / 1000} s\n`);
  process.exit(1);
}, TOTAL_TIMEOUT_MS);
watchdog.unref();

// ---- console capture: the libraries' development warnings ----------------------------

const captured = [];
const realError = console.error.bind(console);
const realWarn = console.warn.bind(console);
// Apollo passes printf-style arguments ("Missing field '%s' while writing result %o").
const oneLine = (args) => format(...args).replace(/\s+/g, ' ');
console.error = (...args) => captured.push(`console.error: ${oneLine(args)}`);
console.warn = (...args) => captured.push(`console.warn: ${oneLine(args)}`);
const out = (line) => process.stdout.write(`${line}\n`);

// ---- the HTTP side, shared by both clients -------------------------------------------

let requests = 0;
const responses = []; // { operationName, status, body } for every request, in order

// Every request goes to `url` with a timeout; anything else is refused.
async function guardedFetch(input, init = {}) {
  const target = input instanceof Request ? input.url : String(input);
  if (target !== url && !target.startsWith(`${url}?`)) {
    throw new Error(`a client tried to reach ${target}, outside ${url}`);
  }
  requests += 1;
  const response = await fetch(input, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  let operationName = null;
  try {
    operationName = JSON.parse(init.body).operationName ?? null;
  } catch {
    // not a JSON body
  }
  const copy = response.clone();
  const text = await copy.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  responses.push({ operationName, status: response.status, body });
  return response;
}

const lastBody = () => responses.at(-1)?.body;
const errorsOf = (body) => (body && typeof body === 'object' && Array.isArray(body.errors) ? body.errors : []);
const describeErrors = (errors) =>
  errors
    .map((e) => `${e.extensions?.code ?? 'no code'} at ${JSON.stringify(e.path ?? null)}: ${e.message}`)
    .join(' | ');
const short = (value, n = 300) => {
  const s = value === undefined ? 'undefined' : JSON.stringify(value);
  return s.length > n ? `${s.slice(0, n)}…` : s;
};

// ---- the check runner ----------------------------------------------------------------

const results = [];

async function check(name, body) {
  captured.length = 0;
  const problems = [];
  const notes = [];
  try {
    await body(problems, notes);
  } catch (err) {
    problems.push(`threw ${err?.name ?? 'Error'}: ${String(err?.message ?? err).replace(/\s+/g, ' ').slice(0, 400)}`);
  }
  // The same warning twice (Apollo's first query and its repeat) is shown once.
  for (const line of new Set(captured)) {
    problems.push(`library warning: ${line.length > 400 ? `${line.slice(0, 400)}…` : line}`);
  }
  captured.length = 0;
  const ok = problems.length === 0;
  results.push(ok);
  const tail = ok ? notes : [...problems, ...notes];
  out(`${ok ? 'ok  ' : 'FAIL'} ${name}${tail.length ? ` — ${tail.join('; ')}` : ''}`);
}

// ---- Relay -----------------------------------------------------------------------------

const relay = await import('relay-runtime');
const { Environment, Network, RecordSource, Store, createOperationDescriptor, getRequest, getSelector } = relay;
const artifact = async (name) => (await import(pathToFileURL(path.join(generated, `${name}.graphql.js`)).href)).default;

function relayEnvironment() {
  const network = Network.create(async (params, variables) => {
    const response = await guardedFetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json;q=0.9',
      },
      body: JSON.stringify({ query: params.text, operationName: params.name, variables }),
    });
    return response.json();
  });
  return new Environment({ network, store: new Store(new RecordSource()) });
}

// Runs a generated query through a fresh Environment; returns the operation, the store's
// snapshot of it and the raw response.
async function relayQuery(name, variables = {}) {
  const environment = relayEnvironment();
  const request = getRequest(await artifact(name));
  const operation = createOperationDescriptor(request, variables);
  environment.retain(operation);
  await new Promise((resolve, reject) => {
    environment.execute({ operation }).subscribe({ complete: resolve, error: reject });
  });
  const body = lastBody();
  const snapshot = environment.lookup(operation.fragment);
  return { environment, operation, snapshot, body };
}

function expectComplete(snapshot, problems) {
  if (snapshot.isMissingData !== false) {
    problems.push(`environment.lookup(operation.fragment).isMissingData is ${snapshot.isMissingData}`);
  }
}

await check('relay: node(id: "junk") beside apiVersion → node null, error reported, nothing missing', async (problems, notes) => {
  const { snapshot, body } = await relayQuery('NodeJunkQuery');
  expectComplete(snapshot, problems);
  const data = snapshot.data ?? {};
  if (!('node' in (body?.data ?? {}))) problems.push(`the response has no "node" key: data = ${short(body?.data)}`);
  if (data.node !== null) problems.push(`node read from the store is ${short(data.node)}, not null`);
  if (typeof data.apiVersion !== 'string') problems.push(`apiVersion is ${short(data.apiVersion)}`);
  const errors = errorsOf(body);
  if (!errors.some((e) => JSON.stringify(e.path) === '["node"]')) {
    problems.push(`no error at ["node"]: ${describeErrors(errors) || 'no errors'}`);
  }
  notes.push(`errors: ${describeErrors(errors)}`);
});

await check('relay: country(code: "CN") { observations(first: 1000) } → country null (non-null field errored), BAD_USER_INPUT', async (problems, notes) => {
  const { snapshot, body } = await relayQuery('CountryTooManyQuery');
  expectComplete(snapshot, problems);
  const data = snapshot.data ?? {};
  if (data.country !== null) problems.push(`country read from the store is ${short(data.country)}, not null`);
  if (!('country' in (body?.data ?? {})) || body.data.country !== null) {
    problems.push(`the response's data is ${short(body?.data)}`);
  }
  const errors = errorsOf(body);
  const bad = errors.find((e) => e.extensions?.code === 'BAD_USER_INPUT');
  if (!bad) problems.push(`no BAD_USER_INPUT error: ${describeErrors(errors) || 'no errors'}`);
  else if (!String(JSON.stringify(bad.path)).startsWith('["country","observations"')) {
    problems.push(`the BAD_USER_INPUT error's path is ${JSON.stringify(bad.path)}, not ["country","observations"]`);
  }
  notes.push(`errors: ${describeErrors(errors)}`);
});

await check('relay: indicator with observations, subject and source citation → complete, no errors', async (problems, notes) => {
  const { snapshot, body } = await relayQuery('IndicatorFiguresQuery');
  expectComplete(snapshot, problems);
  const errors = errorsOf(body);
  if (errors.length) problems.push(`errors: ${describeErrors(errors)}`);
  const connection = snapshot.data?.indicator?.observations;
  const edges = connection?.edges ?? [];
  if (!connection || edges.length === 0) problems.push(`no observations: ${short(snapshot.data)}`);
  else if (edges.length !== Math.min(20, connection.totalCount)) {
    problems.push(`${edges.length} edges of totalCount ${connection.totalCount}`);
  }
  const incomplete = edges.filter((e) => !e?.node?.subject?.key || typeof e?.node?.source?.citation !== 'string');
  if (incomplete.length) problems.push(`${incomplete.length} edges without subject.key or source.citation`);
  notes.push(`${edges.length} observations of ${connection?.totalCount}`);
});

await check(`relay: @refetchable @connection fragment's generated ObservationsPagePaginationQuery, count ${PAGE} → accepted, full page`, async (problems, notes) => {
  const { environment, snapshot, body } = await relayQuery('ObservationsPagePaginationQuery', { count: PAGE, cursor: null });
  expectComplete(snapshot, problems);
  const errors = errorsOf(body);
  if (errors.length) problems.push(`errors: ${describeErrors(errors)}`);
  const fragmentNode = await artifact('ObservationsPage_query');
  const fragment = environment.lookup(getSelector(fragmentNode, snapshot.data));
  if (fragment.isMissingData !== false) problems.push(`the fragment's isMissingData is ${fragment.isMissingData}`);
  const connection = fragment.data?.observations;
  const edges = connection?.edges ?? [];
  const wire = body?.data?.observations?.edges?.length ?? 0;
  const expected = Math.min(PAGE, connection?.totalCount ?? PAGE);
  if (!connection) problems.push('the fragment has no observations');
  else if (edges.length !== expected || wire !== expected) {
    problems.push(`${edges.length} edges through the fragment (${wire} in the response), expected ${expected}`);
  }
  if (connection && connection.totalCount > PAGE && edges.length !== PAGE) problems.push(`not a page of ${PAGE}`);
  const incomplete = edges.filter(
    (e) => !e?.node?.subject?.key || !e?.node?.indicator?.code || typeof e?.node?.source?.citation !== 'string',
  );
  if (incomplete.length) problems.push(`${incomplete.length} edges without subject, indicator or citation`);
  notes.push(
    `${edges.length} edges of totalCount ${connection?.totalCount}` +
      (connection && connection.totalCount < PAGE ? ` (the database holds fewer than ${PAGE})` : ''),
  );
});

// ---- Apollo Client 4 -------------------------------------------------------------------

const apollo = await import('@apollo/client');
const { ApolloClient, InMemoryCache, HttpLink, gql } = apollo;
const { loadDevMessages, loadErrorMessages } = await import('@apollo/client/dev');
loadDevMessages();
loadErrorMessages();
const { buildSchema, isAbstractType } = await import('graphql');

// possibleTypes for every interface and union (Node, Subject, SearchResult), from the schema.
const schema = buildSchema(fs.readFileSync(schemaPath, 'utf8'));
const possibleTypes = {};
for (const type of Object.values(schema.getTypeMap())) {
  if (isAbstractType(type) && !type.name.startsWith('__')) {
    possibleTypes[type.name] = schema.getPossibleTypes(type).map((t) => t.name);
  }
}

function apolloClient() {
  return new ApolloClient({
    link: new HttpLink({ uri: url, fetch: guardedFetch }),
    cache: new InMemoryCache({ possibleTypes }),
  });
}

const NODE_JUNK = gql`
  query ApolloNodeJunk {
    apiVersion
    node(id: "junk") {
      id
    }
  }
`;
const COUNTRY_TOO_MANY = gql`
  query ApolloCountryTooMany {
    country(code: "CN") {
      code
      observations(first: 1000) {
        totalCount
      }
    }
  }
`;
const OBSERVATIONS_PAGE = gql`
  query ApolloObservationsPage($first: Int!) {
    observations(first: $first) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        id
        value
        valueText
        unit
        scale
        qualifier
        formatted
        period
        year
        category
        status
        citedIn
        caveats
        subject {
          id
          key
          name
        }
        indicator {
          id
          code
        }
        source {
          id
          citation(style: APA)
        }
      }
    }
  }
`;

// Sends `query` with errorPolicy "all"; then reads it back from the cache, and asks again
// cache-first, counting requests.
async function apolloErrorCase(query, field, wantCode, problems, notes) {
  const client = apolloClient();
  const result = await client.query({ query, errorPolicy: 'all', fetchPolicy: 'network-only' });
  const body = lastBody();
  const errors = errorsOf(body);
  if (!result.error) problems.push('no error reported to the client');
  if (wantCode && !errors.some((e) => e.extensions?.code === wantCode)) {
    problems.push(`no ${wantCode} error: ${describeErrors(errors) || 'no errors'}`);
  }
  if (!result.data || !(field in result.data) || result.data[field] !== null) {
    problems.push(`query result data.${field} is ${short(result.data?.[field])} (data ${short(result.data)})`);
  }
  const cached = client.cache.readQuery({ query });
  if (cached === null) problems.push('client.cache.readQuery returned null');
  else if (cached[field] !== null) problems.push(`cache.readQuery's ${field} is ${short(cached[field])}`);
  const before = requests;
  const again = await client.query({ query, errorPolicy: 'all', fetchPolicy: 'cache-first' });
  if (requests !== before) problems.push(`the cache-first repeat went to the network (${requests - before} request)`);
  if (!again.data || again.data[field] !== null) problems.push(`cache-first data.${field} is ${short(again.data?.[field])}`);
  notes.push(`errors: ${describeErrors(errors)}`);
  client.stop();
}

await check('apollo: node(id: "junk") → data.node null, cache.readQuery has it, cache-first stays off the network', async (problems, notes) => {
  await apolloErrorCase(NODE_JUNK, 'node', null, problems, notes);
});

await check('apollo: country(code: "CN") { observations(first: 1000) } → country null, cache.readQuery has it, cache-first stays off the network', async (problems, notes) => {
  await apolloErrorCase(COUNTRY_TOO_MANY, 'country', 'BAD_USER_INPUT', problems, notes);
});

await check(`apollo: observations(first: ${PAGE}) with subject, indicator, source and __typename → accepted, full page`, async (problems, notes) => {
  const client = apolloClient();
  const result = await client.query({ query: OBSERVATIONS_PAGE, variables: { first: PAGE }, errorPolicy: 'all' });
  const body = lastBody();
  const sent = responses.at(-1);
  const errors = errorsOf(body);
  if (errors.length) problems.push(`errors: ${describeErrors(errors)}`);
  if (result.error && !errors.length) problems.push(`error: ${result.error.message}`);
  if (sent?.status !== 200) problems.push(`HTTP ${sent?.status}`);
  const connection = result.data?.observations;
  const nodes = connection?.nodes ?? [];
  const expected = Math.min(PAGE, connection?.totalCount ?? PAGE);
  if (!connection) problems.push(`no observations: data ${short(result.data)}`);
  else if (nodes.length !== expected) problems.push(`${nodes.length} nodes, expected ${expected}`);
  if (nodes.some((n) => n.__typename !== 'Observation' || !n.subject?.__typename)) {
    problems.push('__typename missing from the result');
  }
  notes.push(
    `${nodes.length} nodes of totalCount ${connection?.totalCount}` +
      (connection && connection.totalCount < PAGE ? ` (the database holds fewer than ${PAGE})` : ''),
  );
  client.stop();
});

// ---- summary ---------------------------------------------------------------------------

console.error = realError;
console.warn = realWarn;
const passed = results.filter(Boolean).length;
const failed = results.length - passed;
out(`clients: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
