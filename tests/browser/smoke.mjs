// Smoke test of the built page in headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core; no browser download). Loads the page twice:
//   - webgpu: --enable-unsafe-webgpu and without playwright's --disable-gpu, so
//     navigator.gpu gives SwiftShader's adapter and the page must run on WebGPU;
//   - cpu: no WebGPU flag, so there is no adapter and the page must fall back to the CPU.
// Each run checks the reported device, a finite round-trip error < 1e-4 (batch 256, then a
// batch of one through the page's controls), no console errors, and no request to any origin
// but the page's own; screenshots (light and dark) go to test-results/.
// Usage: IIN_URL=http://127.0.0.1:8080/ node tests/browser/smoke.mjs  (scripts/browser-test.sh)
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';

const URL_UNDER_TEST = process.env.IIN_URL ?? 'http://127.0.0.1:8080/';
const ORIGIN = new URL(URL_UNDER_TEST).origin;
const OUT = process.env.IIN_TEST_RESULTS ?? 'test-results';
const TOLERANCE = 1e-4;
const TIMEOUT_MS = 180_000;

// Flags from TOOLCHAIN.md: no background traffic, no QUIC, no first-run UI.
const BASE_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

const RUNS = [
  {
    name: 'webgpu',
    args: ['--enable-unsafe-webgpu'],
    ignoreDefaultArgs: ['--disable-gpu'],
    backend: 'webgpu',
    label: /^WebGPU: /,
  },
  {
    name: 'cpu',
    args: [],
    ignoreDefaultArgs: [],
    backend: 'cpu',
    label: /^CPU \(WebAssembly\)$/,
  },
];

let passed = 0;
let failed = 0;

function check(name, ok, detail = '') {
  if (ok) {
    passed += 1;
    console.log(`  ok    ${name}${detail ? ` (${detail})` : ''}`);
  } else {
    failed += 1;
    console.log(`  FAIL  ${name}${detail ? `: ${detail}` : ''}`);
  }
  return ok;
}

/** The card's state, once it is `done` or `error`. */
async function settled(page, batchPrefix = '') {
  // A function, not a string: the page's CSP forbids string evaluation.
  await page.waitForFunction(
    (prefix) => {
      const state = document.getElementById('round-trip')?.dataset.state;
      const batch = document.getElementById('batch')?.textContent ?? '';
      return state === 'error' || (state === 'done' && batch.startsWith(prefix));
    },
    batchPrefix,
    { timeout: TIMEOUT_MS, polling: 100 },
  );
  return page.evaluate(() => ({
    state: document.getElementById('round-trip').dataset.state,
    backend: document.getElementById('round-trip').dataset.backend,
    status: document.getElementById('status').textContent,
    device: document.getElementById('device').textContent,
    reason: document.getElementById('device-reason').textContent,
    batch: document.getElementById('batch').textContent,
    error: Number(document.getElementById('error').dataset.value),
    errorText: document.getElementById('error').textContent,
    logDetError: Number(document.getElementById('log-det-error').dataset.value),
    ms: Number(document.getElementById('timing').dataset.ms),
    timing: document.getElementById('timing').textContent,
  }));
}

function checkResult(run, what, r) {
  check(`${run.name}: ${what}: page finished without error`, r.state === 'done', r.status);
  check(
    `${run.name}: ${what}: round-trip error finite and < ${TOLERANCE}`,
    Number.isFinite(r.error) && r.error < TOLERANCE,
    `max |T^-1(T(z)) - z| = ${r.error}`,
  );
  check(
    `${run.name}: ${what}: log-dets cancel`,
    Number.isFinite(r.logDetError) && r.logDetError < 1e-3,
    `max |log det + log det^-1| = ${r.logDetError}`,
  );
  check(`${run.name}: ${what}: timing shown`, Number.isFinite(r.ms) && r.ms > 0, r.timing);
}

async function runOnce(run) {
  console.log(`${run.name}: chromium ${run.args.join(' ') || '(no extra flags)'}`);
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [...BASE_ARGS, ...run.args],
    ignoreDefaultArgs: run.ignoreDefaultArgs,
  });
  const consoleErrors = [];
  const warnings = [];
  const foreign = [];
  const failedRequests = [];
  try {
    const context = await browser.newContext({ viewport: { width: 900, height: 760 } });
    context.on('request', (request) => {
      const url = new URL(request.url());
      if (url.protocol === 'data:' || url.protocol === 'blob:') return;
      if (url.origin !== ORIGIN) foreign.push(request.url());
    });
    context.on('requestfailed', (request) =>
      failedRequests.push(`${request.url()}: ${request.failure()?.errorText}`),
    );
    context.on('response', (response) => {
      if (response.status() >= 400) failedRequests.push(`${response.url()}: HTTP ${response.status()}`);
    });
    const page = await context.newPage();
    page.on('console', (message) => {
      const line = `${message.type()}: ${message.text()}`;
      if (message.type() === 'error') consoleErrors.push(line);
      else if (message.type() === 'warning') warnings.push(line);
    });
    page.on('pageerror', (error) => consoleErrors.push(`uncaught: ${error.message}`));
    page.on('websocket', (ws) => {
      if (new URL(ws.url()).host !== new URL(ORIGIN).host) foreign.push(ws.url());
    });

    const started = Date.now();
    await page.goto(URL_UNDER_TEST);
    const first = await settled(page);
    console.log(`  (${run.name}: page settled in ${Date.now() - started} ms: ${first.device}; ${first.reason})`);
    check(`${run.name}: page reports the ${run.backend} backend`, first.backend === run.backend, `got ${first.backend}`);
    check(`${run.name}: device label`, run.label.test(first.device), first.device);
    if (run.backend === 'webgpu') {
      // Asked in the page itself (a secure context: navigator.gpu exists only there).
      const adapter = await page.evaluate(async () => {
        if (!navigator.gpu) return null;
        const a = await navigator.gpu.requestAdapter();
        return a ? `${a.info?.vendor} ${a.info?.architecture}`.trim() : null;
      });
      if (!check('webgpu: browser gives a WebGPU adapter', adapter !== null, adapter ?? 'none')) {
        console.log('\n  !!! WebGPU IS UNAVAILABLE in headless Chromium: the WebGPU run cannot pass.');
        console.log('  !!! Expected SwiftShader with --enable-unsafe-webgpu (see TOOLCHAIN.md).\n');
      }
    }
    checkResult(run, 'batch 256', first);
    await page.screenshot({ path: `${OUT}/${run.name}.png`, fullPage: true });

    // A batch of one, through the page's own controls.
    await page.selectOption('#batch-size', '1');
    await page.click('#run');
    const one = await settled(page, '1 ×');
    checkResult(run, 'batch 1', one);

    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: `${OUT}/${run.name}-dark.png`, fullPage: true });
  } catch (error) {
    check(`${run.name}: page ran to the end`, false, error.message.split('\n')[0]);
  } finally {
    await browser.close();
  }
  check(`${run.name}: no console errors`, consoleErrors.length === 0, consoleErrors.join(' | '));
  check(`${run.name}: no request to another origin`, foreign.length === 0, foreign.join(' '));
  check(`${run.name}: no failed requests`, failedRequests.length === 0, failedRequests.join(' | '));
  for (const warning of warnings) console.log(`  (console ${warning})`);
}

mkdirSync(OUT, { recursive: true });
for (const run of RUNS) {
  await runOnce(run);
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
