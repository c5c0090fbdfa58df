// Headless-browser check of an indicator's page, as a reader sees it.
//
//   node .ci/browser/page.mjs BASE_URL [CODE]
//
// BASE_URL  e.g. http://127.0.0.1:8080 (the server must already be running)
// CODE      the indicator whose page is opened (default new_unicorns)
//
// Drives the system Chromium (CHROMIUM_PATH, default /usr/bin/chromium) through
// playwright-core. Twice: without JavaScript, where everything must read (headings, the
// table, the chart, the citation) and the copy button stays hidden; and with it, where the
// button shows and copies the citation to the clipboard. Every non-local request is
// aborted and recorded; a content security policy violation, a console error or an HTTP
// error fails the check. Exit 0 on success, 1 on failure.

import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const TOTAL_TIMEOUT_MS = 60_000;
const STEP_TIMEOUT_MS = 15_000;

const rawBase = process.argv[2];
const code = process.argv[3] || 'new_unicorns';
const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const screenshotPath = path.join(process.env.TMPDIR || os.tmpdir() || '/tmp', 'indicator-page.png');

function fail(message) {
  console.error(`indicator page browser check FAILED: ${message}`);
  process.exit(1);
}

if (!rawBase || !/^https?:\/\//.test(rawBase)) {
  fail('usage: node .ci/browser/page.mjs http://127.0.0.1:PORT [CODE]');
}
if (!fs.existsSync(executablePath)) {
  fail(`no Chromium at ${executablePath} (apt-get install -y chromium, or set CHROMIUM_PATH)`);
}
const base = rawBase.replace(/\/+$/, '');
const origin = new URL(base).origin;
const isLocal = (url) => url.startsWith(`${origin}/`) || url === origin;
const isFavicon = (url) => /\/favicon\.ico(\?|$)/.test(url || '');

const blocked = [];
const problems = [];
let browser;

const watchdog = setTimeout(() => {
  console.error(`indicator page browser check FAILED: total runtime exceeded ${TOTAL_TIMEOUT_MS / 1000} s`);
  if (browser) browser.close().catch(() => {});
  process.exit(1);
}, TOTAL_TIMEOUT_MS);
watchdog.unref();

async function open(javaScriptEnabled) {
  const context = await browser.newContext({
    javaScriptEnabled,
    viewport: { width: 1200, height: 900 },
  });
  context.setDefaultTimeout(STEP_TIMEOUT_MS);
  if (javaScriptEnabled) {
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
  }
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (isLocal(url)) return route.continue();
    blocked.push(url);
    return route.abort('blockedbyclient');
  });
  const page = await context.newPage();
  const mode = javaScriptEnabled ? 'with JavaScript' : 'without JavaScript';
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !isFavicon(msg.location()?.url)) {
      problems.push(`${mode}: console error: ${msg.text()}`);
    }
  });
  page.on('pageerror', (err) => problems.push(`${mode}: page error: ${err.message}`));
  page.on('response', (res) => {
    if (res.status() >= 400 && !isFavicon(res.url())) {
      problems.push(`${mode}: HTTP ${res.status()} for ${res.url()}`);
    }
  });
  const target = `${base}/indicators/${code}`;
  const response = await page.goto(target, { waitUntil: 'load' });
  if (!response || !response.ok()) {
    throw new Error(`GET ${target} answered ${response ? response.status() : 'nothing'}`);
  }
  return { context, page };
}

async function readsWithoutScripts() {
  const { context, page } = await open(false);
  const h1 = (await page.locator('h1').innerText()).trim();
  if (!h1) throw new Error('the page has no h1');
  const headings = await page.locator('h2').allInnerTexts();
  for (const expected of ['Chart', 'Figures', 'Downloads', 'How to cite this']) {
    if (!headings.includes(expected)) {
      throw new Error(`no "${expected}" heading; the page has ${JSON.stringify(headings)}`);
    }
  }
  const chart = page.locator('figure img');
  const alt = (await chart.getAttribute('alt')) || '';
  if (alt.length < 20) throw new Error(`the chart's alt text is ${JSON.stringify(alt)}`);
  const drawn = await chart.evaluate((img) => img.complete && img.naturalWidth > 0);
  if (!drawn) throw new Error('the chart image did not load');
  const rows = await page.locator('tbody tr').count();
  const rowHeaders = await page.locator('tbody th[scope="row"]').count();
  const columnHeaders = await page.locator('thead th[scope="col"]').count();
  if (rows === 0 || rowHeaders !== rows || columnHeaders === 0) {
    throw new Error(`the table has ${rows} rows, ${rowHeaders} row headers, ${columnHeaders} column headers`);
  }
  const citation = (await page.locator('blockquote.citation').innerText()).trim();
  if (!citation.includes('[Data set]')) throw new Error(`the citation reads ${JSON.stringify(citation)}`);
  if (await page.locator('button.copy').isVisible()) {
    throw new Error('the copy button shows without JavaScript, where it cannot work');
  }
  await page.screenshot({ path: screenshotPath, fullPage: true });
  await context.close();
  return { h1, rows, citation };
}

async function copiesWithScripts(citation) {
  const { context, page } = await open(true);
  const button = page.locator('button.copy');
  await button.waitFor({ state: 'visible' }).catch(() => {
    throw new Error('the copy button did not show with JavaScript');
  });
  await button.click();
  await page.locator('#copy-status', { hasText: 'Copied.' }).waitFor();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  if (copied.trim() !== citation) {
    throw new Error(`the clipboard holds ${JSON.stringify(copied)}, not the citation`);
  }
  await context.close();
}

let result;
try {
  browser = await chromium.launch({
    executablePath,
    headless: true,
    timeout: 30_000,
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu', '--no-first-run'],
  });
  result = await readsWithoutScripts();
  await copiesWithScripts(result.citation);
  await browser.close();
  browser = undefined;
} catch (err) {
  if (browser) await browser.close().catch(() => {});
  const extra = [...problems, ...blocked.map((u) => `blocked non-local request: ${u}`)];
  fail(`${String(err && err.message)}${extra.length ? `\n  ${extra.join('\n  ')}` : ''}`);
}
clearTimeout(watchdog);
if (blocked.length) fail(`the page tried to load non-local resources:\n  ${blocked.join('\n  ')}`);
if (problems.length) fail(`${problems.length} problem(s) on the page:\n  ${problems.join('\n  ')}`);
console.log(
  `indicator page browser check OK: ${base}/indicators/${code} ("${result.h1}", ${result.rows} figures) ` +
    `reads without JavaScript, the chart loads with alt text, the copy button copies the citation; ` +
    `screenshot ${screenshotPath}`,
);
process.exit(0);
