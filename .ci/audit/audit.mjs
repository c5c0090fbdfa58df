// GraphQL-over-HTTP conformance audit of the City Atlas server, using the audit suite
// that ships with the reference implementation (npm graphql-http, `serverAudits`, the
// same list that its `auditServer` runs).
//
//   node .ci/audit/audit.mjs BASE_URL
//
// BASE_URL  e.g. http://127.0.0.1:8080 (the server must already be running); the audits
//           are sent to BASE_URL/graphql and nowhere else.
//
// Prints one line per audit (ok / notice / warn / error, id, name; for a non-ok audit also
// the reason and a summary of the response), then the counts. Exit 0 when every audit is
// ok (notices, the MAY audits, are printed and do not fail the run), 1 on any warn
// (failed SHOULD) or error (failed MUST) or when an audit could not be run at all.
//
// The audits run one after another, not all at once as auditServer does, so the output
// is in a stable order and the server gets one request at a time. An audit that fails
// with a network error (the server restarting) is retried a few times before it counts
// as an error.

import { serverAudits } from 'graphql-http';

const READY_TIMEOUT_MS = 30_000;
const REQUEST_TIMEOUT_MS = 15_000;
const FATAL_RETRIES = 3;
const BODY_SUMMARY_CHARS = 600;

const rawBase = process.argv[2];
if (!rawBase || !/^https?:\/\//.test(rawBase)) {
  console.error('usage: node .ci/audit/audit.mjs http://127.0.0.1:PORT');
  process.exit(1);
}
const base = rawBase.replace(/\/+$/, '');
const url = `${base}/graphql`;

// Every request goes to `url` with a timeout; anything else is refused.
const fetchFn = (input, init = {}) => {
  const target = input instanceof Request ? input.url : String(input);
  if (target !== url && !target.startsWith(`${url}?`)) {
    return Promise.reject(new Error(`audit tried to reach ${target}, outside ${url}`));
  }
  return fetch(input, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
};

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitForServer() {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let last;
  while (Date.now() < deadline) {
    try {
      await fetchFn(url, { method: 'GET', headers: { accept: 'application/json' } });
      return;
    } catch (err) {
      last = err;
      await sleep(500);
    }
  }
  console.error(`audit: ${url} did not answer within ${READY_TIMEOUT_MS / 1000} s: ${last?.cause?.message || last?.message || last}`);
  process.exit(1);
}

function oneLine(text) {
  const flat = String(text).replace(/\s+/g, ' ').trim();
  return flat.length > BODY_SUMMARY_CHARS ? `${flat.slice(0, BODY_SUMMARY_CHARS)}...` : flat;
}

async function summarize(res) {
  if (!res) return 'no response';
  let body;
  try {
    body = await res.text();
  } catch (err) {
    body = `<body already read or unreadable: ${err.message}>`;
  }
  const type = res.headers.get('content-type') || '-';
  return `HTTP ${res.status} content-type=${type} body=${oneLine(body) || '<empty>'}`;
}

async function runAudit({ id, name, fn }) {
  let lastErr;
  for (let attempt = 0; attempt <= FATAL_RETRIES; attempt++) {
    try {
      return await fn();
    } catch (err) {
      // Thrown (not returned) means the audit could not run: network error, timeout.
      lastErr = err;
      await sleep(1000 * (attempt + 1));
    }
  }
  const why = lastErr?.cause?.message || lastErr?.message || String(lastErr);
  return { id, name, status: 'error', reason: `audit could not run: ${why}`, response: null };
}

await waitForServer();

const counts = { ok: 0, notice: 0, warn: 0, error: 0 };
const audits = serverAudits({ url, fetchFn });
console.log(`graphql-http audit of ${url}: ${audits.length} audits`);
for (const audit of audits) {
  const result = await runAudit(audit);
  counts[result.status] = (counts[result.status] || 0) + 1;
  const head = `${result.status.padEnd(6)} ${result.id} ${result.name}`;
  if (result.status === 'ok') {
    console.log(head);
  } else {
    console.log(head);
    console.log(`         reason:   ${result.reason}`);
    console.log(`         response: ${await summarize(result.response)}`);
  }
}

const notice = counts.notice ? ` (${counts.notice} notice)` : '';
console.log(`${counts.ok} ok, ${counts.warn} warn, ${counts.error} error${notice}`);
process.exit(counts.warn + counts.error > 0 ? 1 : 0);
