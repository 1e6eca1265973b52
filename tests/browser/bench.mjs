// The page bench: drives the built page (dist/) in headless Chromium, once per device (WebGPU
// through SwiftShader, and the CPU fallback), and prints
//   - time to the first decoded image (performance.now() at the first putImageData of #current,
//     from navigation start),
//   - slider-to-pixels latency, p50 and p95 over STEPS keyboard steps (from the input event's
//     timeStamp to the canvas updated with the new image; the page records window.__iinTimings),
//   - analogy-grid render time (3×3, one engine call; the first at load, and the median of
//     later ones),
//   - the compressed transfer size of everything the page fetched (gzip -9 of each file the
//     server sent, summed, by kind),
//   - time to learn a concept (the thickness preset, --concept-steps (30 CPU, 3 WebGPU) steps through the
//     panel's Learn): the whole time from Learn to the new slider (preparing the pairs, the
//     steps, installing and scoring), the training rate in steps/s, and the time the default
//     number of steps (300 on WebGPU, 150 on the CPU) would take, extrapolated from the two
//     when fewer steps were measured,
// as a table and as one JSON line (prefix "bench-page-json: ").
// Usage: node tests/browser/bench.mjs [--dist dist] [--devices webgpu,cpu] [--steps 60] [--concept-steps 30]
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { extname } from 'node:path';
import { chromium } from 'playwright-core';
import { BASE_ARGS, DEVICE_FLAGS, serve } from './serve.mjs';

const arg = (name, fallback) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : fallback);
const DIST = arg('--dist', 'dist');
const DEVICES = arg('--devices', 'webgpu,cpu').split(',');
const STEPS = Number(arg('--steps', '60'));
const GRIDS = 3;
// SwiftShader takes ~28 s per step, so its default is a few steps (extrapolated to 300).
const CONCEPT_STEPS_ARG = arg('--concept-steps', null);
const conceptSteps = (device) => Number(CONCEPT_STEPS_ARG ?? (device === 'webgpu' ? 3 : 30));
const DEFAULT_CONCEPT_STEPS = { webgpu: 300, cpu: 150 };
const TIMEOUT = 240_000;


function quantile(values, q) {
  const sorted = [...values].sort((a, b) => a - b);
  if (!sorted.length) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

function kindOf(path) {
  const ext = extname(path);
  if (ext === '.wasm') return 'wasm';
  if (path.includes('/assets/') && ext === '.bin') return /examples/.test(path) ? 'examples' : 'weights';
  if (ext === '.json') return 'manifest';
  if (ext === '.js' || ext === '.mjs') return 'scripts';
  if (ext === '.css') return 'css';
  if (ext === '.html') return 'html';
  return 'other';
}

async function benchDevice(device, server) {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [...BASE_ARGS, ...DEVICE_FLAGS[device].args],
    ignoreDefaultArgs: DEVICE_FLAGS[device].ignoreDefaultArgs,
  });
  const errors = [];
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    server.served.length = 0;
    await page.goto(`${server.origin}/`);
    await page.waitForFunction(() => ['ready', 'error'].includes(document.body.dataset.state), null, { timeout: TIMEOUT });
    const backend = await page.evaluate(() => document.body.dataset.backend);
    if (backend !== device) throw new Error(`asked for ${device}, the page runs on ${backend}`);
    await page.waitForFunction(() => document.body.dataset.panels === 'ready', null, { timeout: TIMEOUT });
    const label = await page.textContent('#device-label');
    const fetched = new Map();
    for (const entry of server.served) fetched.set(entry.path, entry.file);

    // Slider latency: one key at a time, each waited for.
    await page.waitForTimeout(500);
    await page.focus('#slider-digit');
    await page.keyboard.press('Home');
    await page.waitForFunction(() => document.getElementById('current').dataset.pending === '0', null, { timeout: TIMEOUT });
    await page.waitForTimeout(400);
    const editsBefore = await page.evaluate(() => window.__iinTimings.filter((t) => t.kind === 'edit').length);
    for (let i = 0; i < STEPS; i += 1) {
      await page.keyboard.press(i % 120 < 60 ? 'ArrowRight' : 'ArrowLeft');
      await page.waitForFunction(
        (n) => window.__iinTimings.filter((t) => t.kind === 'edit').length > n && document.getElementById('current').dataset.pending === '0',
        editsBefore + i,
        { timeout: TIMEOUT, polling: 'raf' },
      );
    }
    const edits = await page.evaluate((n) => window.__iinTimings.filter((t) => t.kind === 'edit').slice(n).map((t) => t.ms), editsBefore);

    // Analogy grids: new rows and columns, one grid each.
    for (let i = 0; i < GRIDS; i += 1) {
      const n = await page.evaluate(() => window.__iinTimings.filter((t) => t.kind === 'analogy').length);
      await page.click('#analogy-fill');
      await page.waitForFunction((k) => window.__iinTimings.filter((t) => t.kind === 'analogy').length > k, n, { timeout: TIMEOUT });
      await page.waitForFunction(() => document.getElementById('analogy-grid').dataset.state === 'ready', null, { timeout: TIMEOUT });
    }
    // A concept: the thickness preset, CONCEPT_STEPS steps.
    await page.click('#concept-preset-thickness');
    await page.fill('#concept-steps', String(conceptSteps(device)));
    await page.click('#concept-learn');
    await page.waitForFunction(() => !['learning', 'finishing'].includes(document.getElementById('concept-body').dataset.state), null, {
      timeout: 30 * 60_000,
      polling: 200,
    });
    const conceptState = await page.evaluate(() => ({
      state: document.getElementById('concept-body').dataset.state,
      message: document.getElementById('concept-message').textContent,
      score: document.getElementById('concept-score')?.textContent ?? '',
    }));
    if (conceptState.state !== 'done') throw new Error(`the concept was not learned: ${conceptState.message}`);
    const timings = await page.evaluate(() => window.__iinTimings);
    const learned = timings.find((t) => t.kind === 'concept');
    const rate = learned.steps / (learned.trainMs / 1000);
    const overheadMs = learned.ms - learned.trainMs;
    const defaultSteps = DEFAULT_CONCEPT_STEPS[device];
    const concept = {
      steps: learned.steps,
      totalMs: learned.ms,
      trainMs: learned.trainMs,
      overheadMs,
      stepsPerSecond: rate,
      defaultSteps,
      defaultMs: learned.steps === defaultSteps ? learned.ms : overheadMs + (defaultSteps / rate) * 1000,
      extrapolated: learned.steps !== defaultSteps,
      score: conceptState.score,
    };
    const grids = timings.filter((t) => t.kind === 'analogy').map((t) => t.ms);
    const first = timings.find((t) => t.kind === 'first-image')?.ms;

    const transfer = {};
    let total = 0;
    let raw = 0;
    for (const [path, file] of fetched) {
      const bytes = readFileSync(file);
      const gz = gzipSync(bytes, { level: 9 }).length;
      const kind = kindOf(path);
      transfer[kind] = (transfer[kind] ?? 0) + gz;
      total += gz;
      raw += bytes.length;
    }
    return {
      device,
      label,
      firstImageMs: first,
      edit: { n: edits.length, p50: quantile(edits, 0.5), p95: quantile(edits, 0.95), max: Math.max(...edits) },
      analogy: { firstMs: grids[0], medianMs: quantile(grids.slice(1), 0.5), n: grids.length },
      concept,
      transfer: { gzipBytes: total, rawBytes: raw, files: fetched.size, byKind: transfer },
      errors,
    };
  } finally {
    await browser.close();
  }
}

const server = await serve({ root: DIST, prefixes: ['/'] });
const results = [];
try {
  for (const device of DEVICES) {
    try {
      results.push(await benchDevice(device, server));
    } catch (error) {
      console.log(`bench-page: ${device}: ${error.message.split('\n')[0]}`);
      results.push({ device, error: error.message.split('\n')[0] });
    }
  }
} finally {
  await server.close();
}

const ms = (x) => (Number.isFinite(x) ? `${x.toFixed(1)} ms` : '—');
const secs = (x) => (Number.isFinite(x) ? `${(x / 1000).toFixed(1)} s` : '—');
const mb = (x) => `${(x / 1e6).toFixed(2)} MB`;
const rows = [
  ['', ...results.map((r) => r.device)],
  ['device', ...results.map((r) => r.label ?? r.error ?? '')],
  ['first decoded image (from navigation)', ...results.map((r) => ms(r.firstImageMs))],
  [`slider -> pixels p50 (${STEPS} key steps)`, ...results.map((r) => ms(r.edit?.p50))],
  ['slider -> pixels p95', ...results.map((r) => ms(r.edit?.p95))],
  ['analogy grid 3×3, first (cold)', ...results.map((r) => ms(r.analogy?.firstMs))],
  [`analogy grid 3×3, median of ${GRIDS}`, ...results.map((r) => ms(r.analogy?.medianMs))],
  ['concept (thickness): steps measured', ...results.map((r) => (r.concept ? String(r.concept.steps) : '—'))],
  ['concept: training rate', ...results.map((r) => (r.concept ? `${r.concept.stepsPerSecond.toFixed(2)} steps/s` : '—'))],
  ['concept: Learn -> new slider (measured steps)', ...results.map((r) => (r.concept ? secs(r.concept.totalMs) : '—'))],
  ['concept: of which preparing + installing/scoring', ...results.map((r) => (r.concept ? secs(r.concept.overheadMs) : '—'))],
  ['concept: time to learn the default steps', ...results.map((r) => (r.concept ? `${secs(r.concept.defaultMs)} (${r.concept.defaultSteps} steps${r.concept.extrapolated ? ', extrapolated' : ''})` : '—'))],
  ['page transfer, gzip -9 (all files)', ...results.map((r) => (r.transfer ? `${mb(r.transfer.gzipBytes)} (${r.transfer.files} files, ${mb(r.transfer.rawBytes)} raw)` : '—'))],
];
const kinds = [...new Set(results.flatMap((r) => Object.keys(r.transfer?.byKind ?? {})))].sort();
for (const kind of kinds) rows.push([`  ${kind}, gzip -9`, ...results.map((r) => (r.transfer?.byKind[kind] ? mb(r.transfer.byKind[kind]) : '—'))]);
const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => String(row[c]).length)));
for (const row of rows) console.log(row.map((cell, c) => String(cell).padEnd(widths[c])).join('  '));
for (const r of results) if (r.errors?.length) console.log(`(${r.device}: page errors: ${r.errors.join(' | ')})`);
console.log(`bench-page-json: ${JSON.stringify({ steps: STEPS, results })}`);
process.exit(results.every((r) => !r.error) ? 0 : 1);
