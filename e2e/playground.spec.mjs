// End-to-end test of the built playground (dist/, made by `trunk build --release`).
//
//   node e2e/playground.spec.mjs            (or: npm run e2e)
//
// Serves dist/ on 127.0.0.1 with a tiny static server, drives /usr/bin/chromium through
// playwright-core (never `playwright install`: no downloads), clicks like a user and reads the
// page through data-testid attributes. Any console error or uncaught page error fails the run.
// Screenshots go to target/e2e/. Exits non-zero on failure; the last line is
// `e2e: N passed, M failed`.

import { join } from 'node:path';
import { expect, expectEq, root, runSuite, shots, start, text, tid } from './harness.mjs';

// ---- tiny test harness ----
const tests = [];
const test = (name, fn) => tests.push({ name, fn });

const HEX32 = /^0x[0-9a-f]{8}$/;
async function click(page, id, times = 1) {
  for (let i = 0; i < times; i++) await page.locator(tid(id)).click();
}
async function select(page, example) {
  await page.locator(tid('example-select')).selectOption(example);
  await page.waitForFunction((sel) => document.querySelector(sel)?.textContent?.trim() === '0', tid('instret'));
}
async function instret(page) {
  return Number(await text(page, 'instret'));
}
async function shot(page, name) {
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
}

// ---- the tests ----
test('loads the first example at its entry point', async (page) => {
  expectEq(await text(page, 'pc'), '0x80000000', 'pc');
  expectEq(await text(page, 'privilege'), 'M', 'privilege');
  expectEq(await text(page, 'instret'), '0', 'instret');
  expectEq(await text(page, 'last-trap'), 'none', 'last-trap');
  expectEq(await text(page, 'run-state'), 'paused', 'run-state');
  for (let n = 0; n < 32; n++) {
    const v = await text(page, `reg-x${n}`);
    expect(HEX32.test(v), `reg-x${n} = ${JSON.stringify(v)} is not 0x + 8 hex digits`);
  }
  const current = await text(page, 'disasm-current');
  expect(/80000000.*4501.*li a0,\s?0/.test(current), `disasm-current = ${JSON.stringify(current)}`);
  await shot(page, '01-loaded');
});

test('Step executes one instruction per click', async (page) => {
  await click(page, 'step', 3);
  expectEq(await text(page, 'instret'), '3', 'instret');
  expectEq(await text(page, 'pc'), '0x80000006', 'pc');
  expectEq(await text(page, 'reg-x10'), '0x0000000a', 'a0');
  expectEq(await text(page, 'reg-x5'), '0x0000000a', 't0');
  expect((await text(page, 'disasm-current')).includes('80000006'), 'disasm-current follows the pc');
  const changed = await page.locator(`.reg.changed ${tid('reg-x10')}`).count();
  expectEq(changed, 1, 'a0 highlighted as changed');
  await shot(page, '02-stepped');
});

test('Back undoes steps and is disabled at the start', async (page) => {
  const hart = async () => {
    const out = [await text(page, 'pc'), await text(page, 'instret'), await text(page, 'privilege')];
    for (let n = 0; n < 32; n++) out.push(await text(page, `reg-x${n}`));
    return out.join(' ');
  };
  expect(await page.locator(tid('step-back')).isDisabled(), 'Back is disabled at the start');
  const title = (await page.locator(tid('step-back')).getAttribute('title')) ?? '';
  expect(/step back/i.test(title), `Back has a title: ${JSON.stringify(title)}`);
  await click(page, 'step', 3);
  const three = await hart();
  await click(page, 'step', 2);
  expectEq(await text(page, 'instret'), '5', 'instret after 5 steps');
  await click(page, 'step-back', 2);
  expectEq(await hart(), three, 'state after 5 steps and 2 back = state after 3 steps');
  expect((await text(page, 'disasm-current')).includes('80000006'), 'disassembly follows the pc back');
  await shot(page, '03-stepped-back');
  // Back over the end of a run: halted -> paused, the tohost store undone.
  await click(page, 'run');
  await page.waitForFunction((sel) => document.querySelector(sel)?.textContent?.trim() === 'halted', tid('run-state'));
  const done = await instret(page);
  await click(page, 'step-back');
  expectEq(await text(page, 'run-state'), 'paused', 'run-state after Back from the halt');
  expectEq(await instret(page), done - 1, 'instret after Back from the halt');
  expectEq(await page.locator(tid('exit')).count(), 0, 'no exit message after Back from the halt');
  await click(page, 'reset');
  expect(await page.locator(tid('step-back')).isDisabled(), 'Back is disabled after Reset');
});

test('Run finishes the loop with PASS; Reset restores', async (page) => {
  await click(page, 'run');
  await page.waitForFunction((sel) => document.querySelector(sel)?.textContent?.trim() === 'halted', tid('run-state'));
  expect((await text(page, 'exit')).includes('PASS'), `exit = ${await text(page, 'exit')}`);
  expectEq(await text(page, 'reg-x10'), '0x00000037', 'a0 = 55');
  expect(await page.locator(tid('run')).isDisabled(), 'Run is disabled once halted');
  expectEq(await text(page, 'last-trap'), 'none', 'the sum loop takes no trap');
  await shot(page, '04-halted-pass');
  await click(page, 'reset');
  expectEq(await text(page, 'pc'), '0x80000000', 'pc after reset');
  expectEq(await text(page, 'instret'), '0', 'instret after reset');
  expectEq(await text(page, 'reg-x10'), '0x00000000', 'a0 after reset');
  expectEq(await text(page, 'run-state'), 'paused', 'run-state after reset');
});

test('trap example names ecall and illegal instruction', async (page) => {
  await select(page, 'traps');
  const seen = [];
  for (let i = 0; i < 60 && seen.length < 2; i++) {
    await click(page, 'step');
    const t = await text(page, 'last-trap');
    if (t !== 'none' && t !== seen[seen.length - 1]) {
      seen.push(t);
      await shot(page, `04-trap-${seen.length}`);
    }
  }
  expectEq(seen.length, 2, `traps seen: ${JSON.stringify(seen)}`);
  expect(/^environment call from M-mode at 0x8000[0-9a-f]{4} \(tval 0x00000000\) -> M-mode handler$/.test(seen[0]), seen[0]);
  expect(/^illegal instruction at 0x8000[0-9a-f]{4} \(tval 0x00000000\) -> M-mode handler$/.test(seen[1]), seen[1]);
  expect((await text(page, 'disasm-current')).length > 0, 'disassembly shown in the handler');
  expectEq(await text(page, 'csr-mcause'), '0x00000002', 'mcause after the illegal instruction');
  // Run from the start: the traps taken inside run slices are still named on the status line.
  await click(page, 'reset');
  expectEq(await text(page, 'last-trap'), 'none', 'no trap after Reset');
  await click(page, 'run');
  await page.waitForFunction((sel) => document.querySelector(sel)?.textContent?.trim() === 'halted', tid('run-state'));
  expectEq(await text(page, 'last-trap'), seen[1], 'last trap after Run');
});

test('paging example goes M -> S -> U with the disassembly following the virtual pc', async (page) => {
  await select(page, 'paging');
  let modes = 'M';
  for (let i = 0; i < 120 && !modes.endsWith('U'); i++) {
    await click(page, 'step');
    const p = await text(page, 'privilege');
    if (!modes.endsWith(p)) modes += p;
  }
  expectEq(modes, 'MSU', 'privilege sequence');
  expectEq(await text(page, 'pc'), '0x00400000', 'user pc');
  expect((await text(page, 'csr-satp')).startsWith('0x8'), `satp = ${await text(page, 'csr-satp')} has MODE = Sv32`);
  expect((await text(page, 'disasm-current')).includes('li'), `disasm-current = ${await text(page, 'disasm-current')}`);
  await shot(page, '05-user-mode');
  await click(page, 'run');
  await page.waitForFunction((sel) => document.querySelector(sel)?.textContent?.trim() === 'halted', tid('run-state'));
  expect((await text(page, 'exit')).includes('PASS'), `exit = ${await text(page, 'exit')}`);
  expectEq(await text(page, 'privilege'), 'S', 'privilege at the end');
});

test('Run shows live speed, Pause stops it', async (page) => {
  await select(page, 'primes');
  await click(page, 'run');
  await page.waitForTimeout(800);
  expectEq(await text(page, 'run-state'), 'running', 'run-state');
  const a = await instret(page);
  await page.waitForTimeout(700);
  const b = await instret(page);
  expect(b > a && a > 0, `instret grows while running: ${a} then ${b}`);
  const ips = await text(page, 'ips');
  expect(/[0-9.]+ [kM]? ?instr\/s/.test(ips), `ips = ${ips}`);
  await shot(page, '06-running');
  await click(page, 'pause');
  expectEq(await text(page, 'run-state'), 'paused', 'run-state after pause');
  const c = await instret(page);
  await page.waitForTimeout(400);
  expectEq(await instret(page), c, 'instret after pause');
  console.log(`      (speed while running: ${ips})`);
});

test('a file that is not an ELF shows a load error and keeps the program', async (page) => {
  await click(page, 'step');
  await page.locator(tid('open-elf')).setInputFiles({
    name: 'notes.txt',
    mimeType: 'text/plain',
    buffer: Buffer.from('this is not an ELF file'),
  });
  await page.waitForSelector(tid('load-error'));
  const message = await text(page, 'load-error');
  expect(message.startsWith('notes.txt: not a loadable RISC-V ELF'), `load-error = ${message}`);
  expectEq(await text(page, 'instret'), '1', 'the program shown before stays loaded');
  expect(!(await page.locator(tid('step')).isDisabled()), 'Step still enabled');
  await shot(page, '07-load-error');
  await select(page, 'factorial');
  expectEq(await page.locator(tid('load-error')).count(), 0, 'error cleared by loading an example');
  await click(page, 'step');
  expectEq(await text(page, 'instret'), '1', 'the example runs');
});

test('a real ELF file loads through the file picker', async (page) => {
  await page.locator(tid('open-elf')).setInputFiles(join(root, 'static', 'examples', 'factorial.elf'));
  await page.waitForFunction((sel) => document.querySelector(sel)?.textContent?.includes('factorial.elf'), tid('program'));
  await click(page, 'run');
  await page.waitForFunction((sel) => document.querySelector(sel)?.textContent?.trim() === 'halted', tid('run-state'));
  expectEq(await text(page, 'reg-x10'), '0x000002d0', 'a0 = 720');
});

test('narrow screens reflow without horizontal scrolling', async (page) => {
  await page.setViewportSize({ width: 420, height: 900 });
  await click(page, 'step', 2);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow <= 0, `page is ${overflow}px wider than the viewport`);
  await shot(page, '08-narrow');
});

// ---- runner ----
start(() => runSuite({ tests, readySelector: tid('pc'), viewport: { width: 1280, height: 860 } }));
