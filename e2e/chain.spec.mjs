// End-to-end test of the chain page of the built playground (dist/, made by `trunk build --release`).
//
//   node e2e/chain.spec.mjs                 (DIST=/some/dir node e2e/chain.spec.mjs for another bundle)
//
// Serves the bundle on 127.0.0.1 with a tiny static server, drives /usr/bin/chromium through
// playwright-core (never `playwright install`: no downloads), opens the page at `#chain`, clicks
// like a user and reads the page through data-testid attributes. Any console error or uncaught
// page error fails the run. Screenshots go to target/e2e/chain-*.png. Exits non-zero on failure;
// the last line is `e2e: N passed, M failed`.

import { join } from 'node:path';
import { expect, expectEq, runSuite, shots, start, text, tid } from './harness.mjs';

// ---- tiny test harness ----
const tests = [];
const test = (name, fn, opts = {}) => tests.push({ name, fn, opts });


async function attr(page, id, name) {
  return page.locator(tid(id)).first().getAttribute(name);
}
async function click(page, id) {
  await page.locator(tid(id)).first().click();
}
async function fill(page, id, value) {
  await page.locator(tid(id)).fill(String(value));
}
async function shot(page, name) {
  await page.screenshot({ path: join(shots, `chain-${name}.png`), fullPage: true });
}
/** Waits until the block's data-status on the selected node is `status`. */
async function waitStatus(page, id, status, timeout = 15000) {
  await page.waitForFunction(
    ([sel, want]) => document.querySelector(sel)?.getAttribute('data-status') === want,
    [tid(`block-${id}`), status],
    { timeout },
  );
}
/** Waits until the run (Run, or Run until decided) has stopped. */
async function waitPaused(page, timeout = 30000) {
  await page.waitForFunction((sel) => document.querySelector(sel)?.textContent.trim() === 'paused', tid('chain-run-state'), { timeout });
}
/** Clicks Run until decided and waits for it to stop; returns the note it left. */
async function runUntilDecided(page, timeout = 30000) {
  await click(page, 'chain-run-until-decided');
  await waitPaused(page, timeout);
  return text(page, 'chain-note');
}
/** Selects node `i` by clicking its cell and waits for the inspector to show it. */
async function selectNode(page, i) {
  await page.locator(tid(`node-${i}`)).click();
  await page.waitForFunction(
    ([sel, want]) => document.querySelector(sel)?.getAttribute('data-node') === want,
    [tid('node-inspector'), String(i)],
  );
}
/** Proposes `data` on the selected node and waits for the mempool to grow. */
async function propose(page, data) {
  const before = Number(await attr(page, 'mempool', 'data-count'));
  await fill(page, 'chain-propose-data', data);
  await click(page, 'chain-propose');
  await page.waitForFunction(
    ([sel, n]) => Number(document.querySelector(sel)?.getAttribute('data-count')) === n,
    [tid('mempool'), before + 1],
  );
}
/** Every block in the tree: { id, status, height }. */
async function blocks(page) {
  return page.$$eval('[data-testid^="block-"][data-status]', (els) =>
    els.map((e) => ({ id: e.getAttribute('data-id'), status: e.getAttribute('data-status'), height: Number(e.getAttribute('data-height')) })),
  );
}
/** Clicks Build (or Build conflicting) and returns the new block's ID (the inspector opens on it). */
async function build(page, which = 'chain-build') {
  const before = new Set((await blocks(page)).map((b) => b.id));
  await click(page, which);
  await page.waitForFunction(
    (n) => document.querySelectorAll('[data-testid^="block-"][data-status]').length > n,
    before.size,
  );
  const fresh = (await blocks(page)).filter((b) => !before.has(b.id));
  expectEq(fresh.length, 1, 'new blocks after one Build');
  expectEq(await attr(page, 'block-inspector', 'data-id'), fresh[0].id, 'the inspector shows the new block');
  return fresh[0].id;
}
/** Every node cell: { i, preference, lastAccepted, byzantine, crashed }. */
async function nodes(page) {
  return page.$$eval('[data-testid^="node-"][data-index]', (els) =>
    els.map((e) => ({
      i: Number(e.getAttribute('data-index')),
      preference: e.getAttribute('data-preference'),
      lastAccepted: e.getAttribute('data-last-accepted'),
      byzantine: e.getAttribute('data-byzantine') === 'true',
      crashed: e.getAttribute('data-crashed') === 'true',
    })),
  );
}
async function rpc(page, request) {
  const response = await page.evaluate((req) => window.snowrv.rpc(JSON.stringify(req)), request);
  return JSON.parse(response);
}

// ---- the tests ----
test('the hash opens the chain tab; the default network is shown', async (page) => {
  expectEq(await attr(page, 'tab-chain', 'aria-selected'), 'true', 'chain tab selected');
  const cells = await nodes(page);
  expectEq(cells.length, 20, 'default node count');
  const genesis = await text(page, 'last-accepted');
  expect(/^[1-9A-HJ-NP-Za-km-z]{40,60}$/.test(genesis), `last-accepted is CB58: ${genesis}`);
  expectEq(await attr(page, 'last-accepted', 'data-id'), genesis, 'last-accepted data-id');
  for (const c of cells) expectEq(c.preference, genesis, `node ${c.i} prefers genesis`);
  const tree = await blocks(page);
  expectEq(tree.length, 1, 'only genesis in the tree');
  expectEq(tree[0].status, 'Accepted', 'genesis status');
  for (const id of ['chain-propose-data', 'chain-propose', 'chain-build', 'chain-build-conflict', 'chain-step-message',
    'chain-step-poll', 'chain-step-round', 'chain-run-until-decided', 'chain-run', 'chain-pause', 'chain-speed',
    'chain-node-select', 'param-nodes', 'param-k', 'param-alpha-preference', 'param-alpha-confidence', 'param-beta',
    'param-seed', 'param-latency-min', 'param-latency-max', 'param-drop', 'param-byzantine', 'param-byzantine-behavior',
    'param-preset', 'param-apply', 'mempool', 'block-tree', 'poll-inspector', 'decision-log', 'node-inspector',
    'chart-confidence', 'chart-accepted', 'chain-status']) {
    expectEq(await page.locator(tid(id)).count(), 1, `one ${id}`);
  }
  await shot(page, '01-start');
});

test('propose, build on node 0, run until decided: Accepted and last-accepted on every honest node', async (page) => {
  await propose(page, 'hello snowman');
  const entry = await page.locator(tid('mempool-entry')).first().textContent();
  expect(entry.includes('"hello snowman"'), `mempool entry: ${entry}`);
  const id = await build(page);
  expectEq(await attr(page, `block-${id}`, 'data-status'), 'Processing', 'status on node 0 after Build');
  expectEq(Number(await attr(page, 'mempool', 'data-count')), 0, 'Build took the entry');
  await click(page, 'chain-step-poll');
  await page.waitForFunction((sel) => document.querySelector(sel)?.hasAttribute('data-successful'), tid('poll-inspector'));
  await shot(page, '02-built-one-poll');
  const note = await runUntilDecided(page);
  expect(/is decided on every live honest node/.test(note), `note: ${note}`);
  expectEq(await attr(page, `block-${id}`, 'data-status'), 'Accepted', 'status on node 0');
  expectEq(await text(page, 'last-accepted'), id, 'last-accepted on node 0');
  const cells = await nodes(page);
  const honest = cells.filter((c) => !c.byzantine && !c.crashed);
  expectEq(honest.length, 20, 'honest nodes');
  for (const c of honest) {
    expectEq(c.lastAccepted, id, `node ${c.i} last accepted`);
    expectEq(c.preference, id, `node ${c.i} preference`);
  }
  // The page's own view from other nodes agrees.
  for (const i of [1, 7, 19]) {
    await selectNode(page, i);
    expectEq(await text(page, 'last-accepted'), id, `last-accepted shown for node ${i}`);
    expectEq(await attr(page, `block-${id}`, 'data-status'), 'Accepted', `status on node ${i}`);
  }
  const decided = Number(await attr(page, 'decision-log', 'data-count'));
  expect(decided >= 20, `decision log has an accept per node: ${decided}`);
  expect((await text(page, 'block-tree')).includes('accepted by 20/20'), 'the tree says accepted by 20/20');
  await page.locator(tid(`block-${id}`)).click();
  expectEq(await text(page, 'block-inspector-id'), id, 'inspector ID');
  expectEq((await attr(page, 'block-inspector-bytes', 'data-hex')).length, 164, '82 bytes of hex');
  await shot(page, '03-accepted');
});

test('two conflicting blocks: one Accepted, the other Rejected, on every honest node', async (page) => {
  // More nodes than K: with K = N = 20 every poll asks every node and a 13/7 split never
  // reaches AlphaPreference, so the fork would stay undecided (as Snowball does).
  await fill(page, 'param-nodes', '50');
  await click(page, 'param-apply');
  await page.waitForSelector(tid('node-49'));
  await propose(page, 'a');
  const a = await build(page);
  await selectNode(page, 1);
  await propose(page, 'b');
  const b = await build(page, 'chain-build-conflict');
  const tree = await blocks(page);
  expectEq(tree.filter((x) => x.height === 1).length, 2, 'two blocks at height 1');
  await shot(page, '04-fork-built');
  await runUntilDecided(page);
  await page.waitForFunction(
    ([sa, sb]) => {
      const s = [document.querySelector(sa)?.getAttribute('data-status'), document.querySelector(sb)?.getAttribute('data-status')];
      return s.includes('Accepted') && s.includes('Rejected');
    },
    [tid(`block-${a}`), tid(`block-${b}`)],
  );
  const statusA = await attr(page, `block-${a}`, 'data-status');
  const winner = statusA === 'Accepted' ? a : b;
  const loser = winner === a ? b : a;
  expectEq(await text(page, 'last-accepted'), winner, 'last-accepted on node 1');
  for (const c of (await nodes(page)).filter((c) => !c.byzantine && !c.crashed)) {
    expectEq(c.lastAccepted, winner, `node ${c.i} last accepted`);
  }
  for (const i of [0, 13]) {
    await selectNode(page, i);
    expectEq(await attr(page, `block-${winner}`, 'data-status'), 'Accepted', `winner on node ${i}`);
    expectEq(await attr(page, `block-${loser}`, 'data-status'), 'Rejected', `loser on node ${i}`);
  }
  await page.locator(tid('decision-filter')).selectOption('rejected');
  const rows = await page.locator(`${tid('decision-log')} ${tid('decision')}`).count();
  expect(rows >= 20, `rejections listed: ${rows}`);
  await shot(page, '05-fork-decided');
  await page.locator(tid('decision-filter')).selectOption('all');
  console.log(`      (winner ${winner.slice(0, 8)}…, loser ${loser.slice(0, 8)}…)`);
});

test('invalid parameters show param-error and change nothing', async (page) => {
  await propose(page, 'keep me');
  const id = await build(page);
  const before = {
    nodes: (await nodes(page)).length,
    blocks: JSON.stringify(await blocks(page)),
    hash: await page.evaluate(() => window.snowrv.transcriptHash()),
    time: await text(page, 'chain-time'),
  };
  const cases = [
    ['param-k', '0', /K = 0/],
    ['param-alpha-preference', '9', /AlphaPreference = 9 must be more than K\/2/],
    ['param-nodes', 'abc', /nodes: "abc" is not a whole number/],
    ['param-nodes', '5000', /more than the page allows/],
    ['param-beta', '', /Beta: enter a whole number/],
  ];
  for (const [field, value, reason] of cases) {
    await click(page, 'param-revert');
    await fill(page, field, value);
    await click(page, 'param-apply');
    await page.waitForSelector(tid('param-error'));
    const message = await text(page, 'param-error');
    expect(reason.test(message), `${field}=${JSON.stringify(value)}: param-error = ${message}`);
    if (field === 'param-alpha-preference') await shot(page, '06-param-error');
    expectEq((await nodes(page)).length, before.nodes, 'node count unchanged');
    expectEq(JSON.stringify(await blocks(page)), before.blocks, 'blocks unchanged');
    expectEq(await page.evaluate(() => window.snowrv.transcriptHash()), before.hash, 'transcript unchanged');
    expectEq(await text(page, 'chain-time'), before.time, 'virtual time unchanged');
  }
  // The network still works after the refusals.
  await runUntilDecided(page);
  expectEq(await attr(page, `block-${id}`, 'data-status'), 'Accepted', 'the kept block decides');
  // A valid form applies and clears the error.
  await click(page, 'param-revert');
  await fill(page, 'param-nodes', '30');
  await page.locator(tid('param-preset')).selectOption('2020');
  expectEq(await page.locator(tid('param-alpha-preference')).inputValue(), '18', '2020 preset alpha');
  await click(page, 'param-apply');
  await page.waitForSelector(tid('node-29'));
  expectEq(await page.locator(tid('param-error')).count(), 0, 'no param-error after a valid apply');
  expectEq((await blocks(page)).length, 1, 'a new network starts at genesis');
});

test('window.snowrv.rpc: ping, proposeBlock on the selected node, getBlock and lastAccepted', async (page) => {
  const ping = await rpc(page, { jsonrpc: '2.0', id: 1, method: 'ping' });
  expectEq(JSON.stringify(ping.result), '{"success":true}', 'ping result');
  expectEq(ping.id, 1, 'ping id');
  await selectNode(page, 3);
  expectEq(await page.evaluate(() => window.snowrv.selectedNode()), 3, 'selectedNode');
  const data = '0x' + Buffer.from('from rpc').toString('hex').padEnd(64, '0');
  const proposed = await rpc(page, { jsonrpc: '2.0', id: 2, method: 'timestampvm.proposeBlock', params: { data } });
  expectEq(proposed.result?.Success, true, `proposeBlock: ${JSON.stringify(proposed)}`);
  // The page re-renders after the call: the selected node's mempool shows the entry.
  await page.waitForFunction((sel) => document.querySelector(sel)?.getAttribute('data-count') === '1', tid('mempool'));
  expect((await page.locator(tid('mempool-entry')).first().textContent()).includes('"from rpc"'), 'mempool entry text');
  const id = await build(page);
  await runUntilDecided(page);
  expectEq(await attr(page, `block-${id}`, 'data-status'), 'Accepted', 'the block decides');
  const got = await rpc(page, { jsonrpc: '2.0', id: 3, method: 'timestampvm.getBlock', params: {} });
  expectEq(got.result?.id, id, `getBlock id: ${JSON.stringify(got)}`);
  expectEq(got.result?.height, '1', 'getBlock height');
  expectEq(got.result?.id, await text(page, 'last-accepted'), 'getBlock = last-accepted');
  const last = await rpc(page, { jsonrpc: '2.0', id: 4, method: 'timestampvm.lastAccepted' });
  expectEq(last.result?.id, id, 'lastAccepted');
  const bad = await rpc(page, { jsonrpc: '2.0', id: 5, method: 'timestampvm.getBlock', params: { id: 'not-an-id' } });
  expect(bad.error && typeof bad.error.code === 'number', `a bad id is an error object: ${JSON.stringify(bad)}`);
  const junk = JSON.parse(await page.evaluate(() => window.snowrv.rpc('{not json')));
  expectEq(junk.error?.code, -32700, 'parse error code');
  // A build through the RPC shows up in the tree.
  await rpc(page, { jsonrpc: '2.0', id: 6, method: 'timestampvm.proposeBlock', params: { data: 'second' } });
  const built = await rpc(page, { jsonrpc: '2.0', id: 7, method: 'snowrv.build', params: {} });
  const builtId = built.result?.id;
  expect(typeof builtId === 'string', `snowrv.build: ${JSON.stringify(built)}`);
  await page.waitForSelector(tid(`block-${builtId}`));
});

test('Run and Pause; the state survives switching tabs', async (page) => {
  await propose(page, 'running');
  const id = await build(page);
  await page.locator(tid('chain-speed')).selectOption('10');
  await click(page, 'chain-run');
  await page.waitForFunction((sel) => document.querySelector(sel)?.textContent.trim() === 'running', tid('chain-run-state'));
  await page.waitForTimeout(300);
  await click(page, 'chain-pause');
  const paused = await text(page, 'chain-messages');
  await page.waitForTimeout(300);
  expectEq(await text(page, 'chain-messages'), paused, 'no messages while paused');
  await click(page, 'tab-machine');
  await page.waitForSelector(tid('pc'));
  await click(page, 'step');
  await click(page, 'tab-chain');
  expectEq(await text(page, 'chain-messages'), paused, 'chain state kept across tabs');
  await page.locator(tid('chain-speed')).selectOption('0');
  await click(page, 'chain-run');
  await waitStatus(page, id, 'Accepted');
  await page.waitForFunction((sel) => document.querySelector(sel)?.textContent.trim() === 'paused', tid('chain-run-state'));
});

test('2,000 nodes: apply, build, run; the page answers clicks while running', async (page) => {
  await fill(page, 'param-nodes', '2000');
  const t0 = Date.now();
  await click(page, 'param-apply');
  await page.waitForSelector(tid('node-1999'));
  const applyMs = Date.now() - t0;
  await propose(page, 'two thousand');
  const id = await build(page);
  // In the page: from the click event's timestamp to the inspector showing the node.
  await page.evaluate(([grid, inspector]) => {
    window.__latency = [];
    // On window, capturing: the first listener on the event's path, before the app's own.
    window.addEventListener('click', (e) => { if (e.target.closest(grid)) window.__clickAt = e.timeStamp; }, true);
    new MutationObserver(() => {
      if (window.__clickAt != null) {
        window.__latency.push(performance.now() - window.__clickAt);
        window.__clickAt = null;
      }
    }).observe(document.querySelector(inspector), { attributes: true, attributeFilter: ['data-node'] });
  }, [tid('node-grid'), tid('node-inspector')]);
  await click(page, 'chain-run');
  const clicks = [];
  for (const i of [17, 1234, 1999, 5]) {
    await page.waitForTimeout(150);
    const box = await page.locator(tid(`node-${i}`)).boundingBox();
    const start = Date.now();
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await page.waitForFunction(
      ([sel, want]) => document.querySelector(sel)?.getAttribute('data-node') === want,
      [tid('node-inspector'), String(i)],
    );
    clicks.push(Date.now() - start);
  }
  const latency = (await page.evaluate(() => window.__latency)).map((x) => Math.round(x));
  expectEq(await text(page, 'chain-run-state'), 'running', 'still running while clicking');
  await shot(page, '07-2000-running');
  const runStart = Date.now();
  await page.waitForFunction((sel) => document.querySelector(sel)?.getAttribute('data-status') === 'Accepted', tid(`block-${id}`), { timeout: 120000 });
  await page.waitForFunction((sel) => document.querySelector(sel)?.textContent.trim() === 'paused', tid('chain-run-state'), { timeout: 120000 });
  const runMs = Date.now() - runStart;
  const cells = await nodes(page);
  expectEq(cells.length, 2000, 'cells');
  const behind = cells.filter((c) => !c.byzantine && !c.crashed && c.lastAccepted !== id).map((c) => c.i);
  expectEq(behind.length, 0, `honest nodes that did not accept: ${behind.slice(0, 10)}`);
  expectEq(latency.length, clicks.length, 'every click was seen by the page');
  const worst = Math.max(...latency);
  expect(worst < 250, `a click took ${worst} ms to show while running`);
  await shot(page, '08-2000-accepted');
  console.log(`      (apply ${applyMs} ms; click -> inspector while running: ${latency.join(', ')} ms in the page, ` +
    `${clicks.join(', ')} ms round trip from the test; rest of the run ${runMs} ms)`);
});

test('narrow screens reflow without horizontal scrolling', async (page) => {
  await page.setViewportSize({ width: 420, height: 900 });
  await propose(page, 'narrow');
  await build(page);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow <= 0, `page is ${overflow}px wider than the viewport`);
  await shot(page, '09-narrow');
});

// ---- runner ----
start(() =>
  runSuite({ tests, hash: '#chain', readySelector: tid('chain-propose'), viewport: { width: 1440, height: 900 }, prefix: 'chain-' }),
);
