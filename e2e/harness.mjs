// The shared half of the end-to-end tests (e2e/*.spec.mjs): a tiny static server for the built
// bundle on 127.0.0.1, a minimal test harness, and the runner that launches /usr/bin/chromium
// through playwright-core (never `playwright install`: no downloads), runs each test in a fresh
// page, fails a test on any console error or uncaught page error, saves a screenshot of each
// failure, and prints `e2e: N passed, M failed` as its last line.

import { createServer } from 'node:http';
import { readFile, mkdir, stat, readdir, rm } from 'node:fs/promises';
import { extname, join, normalize, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

/** The repository's root. */
export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Where screenshots go. */
export const shots = join(root, 'target', 'e2e');
/** The bundle to test: $DIST, or dist/ (made by `trunk build --release`). */
export const dist = resolve(process.env.DIST ?? join(root, 'dist'));
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.S': 'text/plain; charset=utf-8',
  '.ld': 'text/plain; charset=utf-8',
  '.sh': 'text/plain; charset=utf-8',
  '.elf': 'application/octet-stream',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/** Serves `dist` on 127.0.0.1 at an ephemeral port; resolves to { server, url }. */
async function serve() {
  const server = createServer(async (req, res) => {
    try {
      const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
      let file = normalize(join(dist, path));
      if (!file.startsWith(dist)) throw new Error('outside dist');
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return { server, url: `http://127.0.0.1:${server.address().port}/` };
}

/** A failed expectation. */
export class Failure extends Error {}
/** Fails the test with `message` unless `cond`. */
export function expect(cond, message) {
  if (!cond) throw new Failure(message);
}
/** Fails the test unless `actual === expected`, naming `what`. */
export function expectEq(actual, expected, what) {
  if (actual !== expected) throw new Failure(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}
/** The CSS selector of a data-testid. */
export const tid = (id) => `[data-testid="${id}"]`;
/** The trimmed text of the first element with this data-testid. */
export async function text(page, id) {
  return ((await page.locator(tid(id)).first().textContent()) ?? '').trim();
}

/**
 * Runs `tests` (a list of { name, fn(page) }) against the bundle, each in a fresh page opened at
 * `url + hash` once `readySelector` is present. Screenshots `<prefix>*.png` from an earlier run
 * are removed first; a failing test leaves `<prefix>fail-<index>.png`. Exits the process.
 */
export async function runSuite({ tests, hash = '', readySelector, viewport, prefix = '' }) {
  try {
    await stat(join(dist, 'index.html'));
  } catch {
    console.error(`e2e: ${dist}/index.html missing: run \`trunk build --release\` first`);
    console.log('e2e: 0 passed, 1 failed');
    process.exit(2);
  }
  await mkdir(shots, { recursive: true });
  for (const old of await readdir(shots)) {
    if (old.startsWith(prefix) && old.endsWith('.png')) await rm(join(shots, old));
  }
  const { server, url } = await serve();
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
  let passed = 0;
  let failed = 0;
  const only = process.env.ONLY;
  try {
    for (const [index, { name, fn }] of tests.entries()) {
      if (only && !name.includes(only)) continue;
      const context = await browser.newContext({ viewport });
      const page = await context.newPage();
      page.setDefaultTimeout(15000);
      const errors = [];
      page.on('console', (msg) => {
        if (msg.type() === 'error') errors.push(`console error: ${msg.text()}`);
      });
      page.on('pageerror', (err) => errors.push(`page error: ${err.message}`));
      try {
        await page.goto(`${url}${hash}`);
        await page.waitForSelector(readySelector);
        await fn(page);
        expect(errors.length === 0, errors.join('\n'));
        passed++;
        console.log(`  ok    ${name}`);
      } catch (err) {
        failed++;
        console.log(`  FAIL  ${name}\n        ${String(err.message ?? err).split('\n').join('\n        ')}`);
        if (errors.length) console.log(`        ${errors.join('\n        ')}`);
        await page.screenshot({ path: join(shots, `${prefix}fail-${index}.png`), fullPage: true }).catch(() => {});
      } finally {
        await context.close();
      }
    }
  } finally {
    await browser.close();
    server.close();
  }
  console.log(`e2e: ${passed} passed, ${failed} failed (screenshots in target/e2e/${prefix}*.png)`);
  process.exit(failed === 0 ? 0 : 1);
}

/** Runs `main` and turns an unexpected error into a failed run with the usual last line. */
export function start(main) {
  main().catch((err) => {
    console.error(err);
    console.log('e2e: 0 passed, 1 failed');
    process.exit(1);
  });
}
