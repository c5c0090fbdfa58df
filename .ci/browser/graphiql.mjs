// Headless-browser check of the GraphiQL page served by the City Atlas binary.
//
//   node .ci/browser/graphiql.mjs BASE_URL [EXPECTED_TEXT] [OPERATION_NAME]
//
// BASE_URL        e.g. http://127.0.0.1:8080 (the server must already be running)
// EXPECTED_TEXT   text the response pane must contain after executing (default "keyDifference")
// OPERATION_NAME  expected title of the first editor tab (default "Table1StrategicComparison")
//
// EDITOR_TOKEN    (environment) an editor's API token: the check then runs a subscription in
//                 the page and corrects a figure over HTTP until the page shows the change
//
// Drives the system Chromium (CHROMIUM_PATH, default /usr/bin/chromium) through
// playwright-core, which downloads no browser. Every request that does not start with
// BASE_URL (other than data:/blob:) is aborted and recorded, so a page that still pulls
// anything from a CDN fails. Exit 0 on success, 1 on failure.

import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const TOTAL_TIMEOUT_MS = 60_000;
const RESPONSE_TIMEOUT_MS = 30_000;
const RENDER_TIMEOUT_MS = 20_000;

const rawBase = process.argv[2];
const expectedText = process.argv[3] || 'keyDifference';
const expectedOperation = process.argv[4] || 'Table1StrategicComparison';
const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const screenshotPath = path.join(process.env.TMPDIR || os.tmpdir() || '/tmp', 'graphiql.png');

function fail(message) {
  console.error(`graphiql browser check FAILED: ${message}`);
  process.exit(1);
}

if (!rawBase || !/^https?:\/\//.test(rawBase)) {
  fail('usage: node .ci/browser/graphiql.mjs http://127.0.0.1:PORT [EXPECTED_TEXT] [OPERATION_NAME]');
}
if (!fs.existsSync(executablePath)) {
  fail(`no Chromium at ${executablePath} (apt-get install -y chromium, or set CHROMIUM_PATH)`);
}
const base = rawBase.replace(/\/+$/, '');
// A request is local if it is the base itself or something below it (not e.g. BASE_URL0.evil).
const isLocal = (url) =>
  url === base || url.startsWith(`${base}/`) || url.startsWith(`${base}?`) ||
  url.startsWith('data:') || url.startsWith('blob:');

const blocked = []; // non-local requests attempted by the page
const problems = []; // console errors, page errors, HTTP >= 400
const warnings = [];

let browser;
const watchdog = setTimeout(() => {
  console.error(`graphiql browser check FAILED: total runtime exceeded ${TOTAL_TIMEOUT_MS / 1000} s`);
  // Best effort: do not wait for a hung browser.
  if (browser) browser.close().catch(() => {});
  process.exit(1);
}, TOTAL_TIMEOUT_MS);
watchdog.unref();

// The browser asks for /favicon.ico on its own; a 404 for it is not a page error.
const isFavicon = (url) => /\/favicon\.ico(\?|$)/.test(url || '');

async function responseText(page) {
  // GraphiQL 4 renders the result in CodeMirror 5; read the whole document through its
  // API (the DOM holds only the visible lines), falling back to the rendered text.
  return page.evaluate(() => {
    const cm = document.querySelector('.graphiql-response .CodeMirror');
    if (cm && cm.CodeMirror && typeof cm.CodeMirror.getValue === 'function') {
      return cm.CodeMirror.getValue();
    }
    const el = document.querySelector('.graphiql-response');
    return el ? el.innerText : '';
  });
}

async function main() {
  browser = await chromium.launch({
    executablePath,
    headless: true,
    timeout: 30_000,
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu', '--no-first-run'],
  });
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  context.setDefaultTimeout(RENDER_TIMEOUT_MS);

  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (isLocal(url)) return route.continue();
    blocked.push(url);
    return route.abort('blockedbyclient');
  });

  const page = await context.newPage();
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const where = msg.location()?.url || '';
    if (isFavicon(where)) {
      warnings.push(`favicon request failed (${msg.text()})`);
      return;
    }
    problems.push(`console error: ${msg.text()}${where ? ` (${where})` : ''}`);
  });
  // A script error usually means the page never renders: stop waiting as soon as one occurs.
  let rejectOnPageError;
  const pageErrored = new Promise((_, reject) => (rejectOnPageError = reject));
  pageErrored.catch(() => {});
  page.on('pageerror', (err) => {
    problems.push(`page error: ${err.message}`);
    rejectOnPageError(new Error(`uncaught script error on the page: ${err.message}`));
  });
  page.on('response', (res) => {
    if (res.status() >= 400 && isLocal(res.url()) && !isFavicon(res.url())) {
      problems.push(`HTTP ${res.status()} for ${res.request().method()} ${res.url()}`);
    }
  });
  page.on('requestfailed', (req) => {
    const url = req.url();
    if (isLocal(url) && !isFavicon(url)) {
      problems.push(`request failed: ${req.method()} ${url} (${req.failure()?.errorText})`);
    }
  });

  const target = `${base}/graphiql`;
  const nav = await page.goto(target, { waitUntil: 'load', timeout: RENDER_TIMEOUT_MS });
  if (!nav || !nav.ok()) throw new Error(`GET ${target} answered ${nav ? nav.status() : 'nothing'}`);

  // The editor.
  await Promise.race([
    page.waitForSelector('.graphiql-query-editor .CodeMirror', { state: 'visible' }).catch(() => {
      throw new Error(`the GraphiQL editor (.graphiql-container) did not render within ${RENDER_TIMEOUT_MS / 1000} s`);
    }),
    pageErrored,
  ]);
  await page.waitForSelector('.graphiql-container', { state: 'visible' });

  // Sidebar: the docs explorer and the explorer plugin.
  const docsButton = page.locator('.graphiql-sidebar button[aria-label="Show Documentation Explorer"]');
  const explorerButton = page.locator('.graphiql-sidebar button[aria-label="Show GraphiQL Explorer"]');
  await docsButton.waitFor({ state: 'visible' }).catch(() => {
    throw new Error('no "Show Documentation Explorer" button in the sidebar');
  });
  await explorerButton.waitFor({ state: 'visible' }).catch(() => {
    throw new Error('no "Show GraphiQL Explorer" button in the sidebar (explorer plugin missing?)');
  });

  // Editor tools: the headers tab.
  const headersTab = page.locator('.graphiql-editor-tools button', { hasText: /^Headers$/ });
  await headersTab.first().waitFor({ state: 'visible' }).catch(() => {
    throw new Error('no "Headers" tab in the editor tools (isHeadersEditorEnabled?)');
  });

  // The first tab is named after the operation in the default query.
  const firstTab = page.locator('.graphiql-tab .graphiql-tab-button').first();
  await firstTab.waitFor({ state: 'visible' }).catch(() => {
    throw new Error('no editor tab rendered');
  });
  const tabTitle = ((await firstTab.getAttribute('title')) || (await firstTab.innerText()) || '').trim();
  if (tabTitle !== expectedOperation) {
    throw new Error(`first tab is titled ${JSON.stringify(tabTitle)}, expected ${JSON.stringify(expectedOperation)}`);
  }

  // Execute the default query and wait for the response pane.
  await page.locator('.graphiql-execute-button').click();
  let text = '';
  const deadline = Date.now() + RESPONSE_TIMEOUT_MS;
  while (Date.now() < deadline) {
    text = await responseText(page);
    if (text.includes(expectedText) || text.includes('"errors"')) break;
    await page.waitForTimeout(200);
  }
  if (text.includes('"errors"')) {
    throw new Error(`the response contains "errors":\n${text.slice(0, 2000)}`);
  }
  if (!text.includes(expectedText)) {
    throw new Error(
      `the response pane did not contain ${JSON.stringify(expectedText)} within ${RESPONSE_TIMEOUT_MS / 1000} s; ` +
        `it shows: ${JSON.stringify(text.slice(0, 500))}`,
    );
  }

  // The toolbar's CSV button downloads that result: Table 1's five rows, one per line,
  // with the columns the query selected.
  const csvButton = page.locator('.graphiql-toolbar button[aria-label="Download the result as CSV"]');
  await csvButton.waitFor({ state: 'visible' }).catch(() => {
    throw new Error('no "Download the result as CSV" button in the editor toolbar');
  });
  const [download] = await Promise.all([page.waitForEvent('download'), csvButton.click()]);
  const csvPath = await download.path();
  const csv = fs.readFileSync(csvPath, 'utf8');
  const csvLines = csv.split('\r\n').filter((line) => line.length > 0);
  if (download.suggestedFilename() !== `${expectedOperation}.csv`) {
    throw new Error(`the CSV is named ${JSON.stringify(download.suggestedFilename())}`);
  }
  if (csvLines.length < 2) {
    throw new Error(`the CSV has no rows:\n${csv.slice(0, 1000)}`);
  }
  if (expectedOperation === 'Table1StrategicComparison') {
    const header = csvLines[0];
    if (!header.startsWith('dimension,') || !header.includes('keyDifference')) {
      throw new Error(`the CSV's header is ${JSON.stringify(header)}`);
    }
    if (csvLines.length !== 6 || !csv.includes('Planned vs Incentive')) {
      throw new Error(`the CSV of Table 1 is not its five rows:\n${csv.slice(0, 1000)}`);
    }
  }

  // Open the explorer plugin: it renders the schema fetched by introspection.
  await explorerButton.click();
  await page.waitForSelector('.graphiql-explorer-root', { state: 'visible' }).catch(() => {
    throw new Error('the explorer plugin panel (.graphiql-explorer-root) did not render');
  });

  // A subscription runs from the page over its own WebSocket: a curator's correction,
  // sent over HTTP with EDITOR_TOKEN, appears in the response pane as it commits.
  let subscribed = false;
  if (process.env.EDITOR_TOKEN) {
    await page.evaluate(() => {
      const cm = document.querySelector('.graphiql-query-editor .CodeMirror');
      cm.CodeMirror.setValue(
        'subscription Changes { changes(filter: { entityType: ["Observation"] }) { sequence entityType kind revision } }',
      );
    });
    // GraphiQL reads the operation's name from the editor after a pause in typing.
    await page.waitForTimeout(1_000);
    await page.locator('.graphiql-execute-button').click();
    for (let attempt = 0; attempt < 10 && !subscribed; attempt += 1) {
      // The page may not have subscribed yet when the first correction commits: correct
      // again until one is shown, a bounded number of times.
      await correctAFigure(process.env.EDITOR_TOKEN);
      const until = Date.now() + 3_000;
      while (Date.now() < until) {
        const shown = await responseText(page);
        if (shown.includes('"UPDATED"')) {
          subscribed = true;
          break;
        }
        await page.waitForTimeout(200);
      }
    }
    if (!subscribed) {
      throw new Error(`the subscription showed no change: ${JSON.stringify((await responseText(page)).slice(0, 500))}`);
    }
    // The suites after this one read the paper's figure.
    if ((await currentFigure(process.env.EDITOR_TOKEN)).value !== 39.32) {
      await correctAFigure(process.env.EDITOR_TOKEN);
    }
  }

  // Let late console errors arrive, then take the screenshot.
  await page.waitForTimeout(300);
  await page.screenshot({ path: screenshotPath, fullPage: false });
  await browser.close();
  browser = undefined;
  return { tabTitle, responseChars: text.length, csvRows: csvLines.length - 1, subscribed };
}

async function graphql(query, variables, token) {
  const response = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return response.json();
}

async function currentFigure(token) {
  const found = await graphql(
    '{ observations(filter: { indicator: ["ai_market_size"], country: ["CN"], period: ["2024"] }) { nodes { id value revision } } }',
    {},
    token,
  );
  return found.data.observations.nodes[0];
}

// Flips China's 2024 AI market size between the paper's 39.32 and 39.33.
async function correctAFigure(token) {
  const figure = await currentFigure(token);
  const value = figure.value === 39.32 ? 39.33 : 39.32;
  const written = await graphql(
    `mutation($id: ID!, $rev: Int!, $value: Float!, $text: String!) {
      updateObservation(id: $id, expectedRevision: $rev, reason: "browser check of subscriptions",
        input: { value: $value, valueText: $text }) { userErrors { code message } } }`,
    { id: figure.id, rev: figure.revision, value, text: String(value).replace('.', ',') },
    token,
  );
  const errors = written.errors || written.data.updateObservation.userErrors;
  if (errors.length > 0) throw new Error(`the correction was refused: ${JSON.stringify(errors)}`);
}

let result;
try {
  result = await main();
} catch (err) {
  if (browser) await browser.close().catch(() => {});
  const extra = [...problems, ...blocked.map((u) => `blocked non-local request: ${u}`)];
  const message = String(err && err.message).replace(/\u001b\[[0-9;]*m/g, '');
  fail(`${message}${extra.length ? `\n  ${extra.join('\n  ')}` : ''}`);
}
clearTimeout(watchdog);

for (const w of warnings) console.warn(`warning: ${w}`);
if (blocked.length) {
  fail(`the page tried to load ${blocked.length} non-local resource(s) (CDN?):\n  ${blocked.join('\n  ')}`);
}
if (problems.length) {
  fail(`${problems.length} problem(s) on the page:\n  ${problems.join('\n  ')}`);
}
console.log(
  `graphiql browser check OK: ${base}/graphiql rendered, docs+explorer+headers present, ` +
    `tab "${result.tabTitle}", response contains ${JSON.stringify(expectedText)} ` +
    `(${result.responseChars} chars), its CSV download has ${result.csvRows} rows, ` +
    `${result.subscribed ? 'a subscription showed a correction as it committed, ' : ''}` +
    `no non-local requests, screenshot ${screenshotPath}`,
);
process.exit(0);
