// Define a concept: two sketch pads, A and B (or a preset pair), a name, and Learn. The engine
// learns the change from A to B as a new factor of the flow, a slice of steps per call (one on
// the CPU, so the page stays responsive between calls; on WebGPU as many as take ~120 ms), with a progress bar,
// the rate, an ETA and a live loss curve; Cancel leaves the model as it was. When it is done the
// page installs the new flow (app.js maps every z~ it holds and adds the slider everywhere) and
// shows the concept's score. Export and Import move a concept as a `.iinconcept` file; Share puts
// the two sketches (32×32, 4-bit ink), the name, the seed and the steps in the URL's hash
// (#concept=…, which a browser never sends to a server).
import { el, fitCanvas, timings } from './draw.js';
import { messageOf } from './engine.js';
import { createPad } from './sketch.js';

/** Training steps by default: a concept takes a few hundred steps (see the README). */
export const DEFAULT_STEPS = { webgpu: 300, cpu: 150 };
/**
 * Steps per engine call. A call keeps the main thread busy while it records its steps (on the
 * CPU, while it computes them), so the CPU takes one step per call; WebGPU starts with one and
 * then takes as many as fit in about SLICE_MS (at most 16), fewer read-backs on a fast GPU.
 */
const SLICE_MS = 120;
const MAX_SLICE = 16;
const MAX_STEPS = 5000;
const SHARE_SIZE = 32;
const SHARE_VERSION = 1;

export function mountConcept(root, { session, changeModel, steps: stepsOption, onLearned = () => {} }) {
  const presets = session.bindings.Engine.conceptPresets();
  const message = el('p', { class: 'message', id: 'concept-message', role: 'status', 'aria-live': 'polite' });
  const shared = el('div', { class: 'notice concept-shared', id: 'concept-shared', role: 'status', hidden: true });

  // -- the pads -----------------------------------------------------------------------------
  const pads = {};
  const padBox = (which, ink, brush) => {
    const pad = createPad({ id: `concept-pad-${which.toLowerCase()}`, label: `Concept sketch ${which}`, colour: ink, brush });
    const clear = el('button', {
      type: 'button',
      class: 'secondary',
      id: `concept-clear-${which.toLowerCase()}`,
      text: 'Clear',
      onclick: () => pad.wipe(),
    });
    pads[which] = pad;
    return el(
      'figure',
      { class: 'concept-pad' },
      el('figcaption', {}, el('strong', { text: which }), which === 'A' ? ' (from)' : ' (to)'),
      pad.pad,
      el('div', { class: 'concept-pad-tools' }, ...pad.tools(), clear),
    );
  };

  const presetButtons = presets.map((preset) =>
    el('button', {
      type: 'button',
      class: 'chip',
      id: `concept-preset-${preset.name}`,
      text: presetLabel(preset.name),
      dataset: { preset: preset.name },
      onclick: () => usePreset(preset),
    }),
  );
  const name = el('input', {
    type: 'text',
    id: 'concept-name',
    maxlength: '32',
    placeholder: 'e.g. thickness',
    autocomplete: 'off',
    spellcheck: 'false',
  });
  const defaultSteps = Number.isInteger(stepsOption) && stepsOption > 0 ? Math.min(stepsOption, MAX_STEPS) : DEFAULT_STEPS[session.backend];
  const steps = el('input', { type: 'number', id: 'concept-steps', min: '1', max: String(MAX_STEPS), step: '1', value: String(defaultSteps) });
  const seed = el('input', { type: 'number', id: 'concept-seed', min: '0', max: '4294967295', step: '1', value: '1' });
  const learn = el('button', { type: 'button', id: 'concept-learn', text: 'Learn', onclick: () => run() });
  const cancel = el('button', { type: 'button', class: 'secondary', id: 'concept-cancel', text: 'Cancel', disabled: true, onclick: () => stop() });

  const progress = el('progress', { id: 'concept-progress', max: '1', value: '0' });
  const progressText = el('p', { class: 'timing concept-progress-text', id: 'concept-progress-text' });
  const loss = el('canvas', { class: 'loss', id: 'concept-loss', role: 'img', 'aria-label': 'the loss per training step' });
  const result = el('div', { class: 'concept-result', id: 'concept-result', hidden: true });

  const exportButton = el('button', { type: 'button', class: 'secondary', id: 'concept-export', text: 'Export', disabled: true, onclick: () => exportFile() });
  const importInput = el('input', { type: 'file', id: 'concept-import', accept: '.iinconcept,application/octet-stream', class: 'visually-hidden' });
  const importButton = el('label', { class: 'button secondary', title: 'Import a .iinconcept file' }, 'Import…', importInput);
  const share = el('button', { type: 'button', class: 'secondary', id: 'concept-share', text: 'Share link', onclick: () => shareLink() });
  const link = el('input', { type: 'text', id: 'concept-link', readonly: true, hidden: true, 'aria-label': 'link to these sketches' });
  link.addEventListener('focus', () => link.select());

  root.dataset.state = 'idle';
  root.append(
    shared,
    el('div', { class: 'chips concept-presets', role: 'group', 'aria-label': 'Presets' }, el('span', { class: 'chips-label', text: 'Presets' }), ...presetButtons),
    el('div', { class: 'concept-pads' }, padBox('A', '#f0f0f0', 8), padBox('B', '#f0f0f0', 22)),
    el(
      'div',
      { class: 'toolbar concept-form' },
      el('label', { class: 'field' }, el('span', { text: 'Name' }), name),
      el('label', { class: 'field narrow' }, el('span', { text: 'Steps' }), steps),
      el('label', { class: 'field narrow' }, el('span', { text: 'Seed' }), seed),
      learn,
      cancel,
    ),
    el('p', {
      class: 'hint',
      id: 'concept-hint',
      text: `The new factor learns what changes from A to B (stroke width, slant, angular vs round corners, or ink colour): held-out digits are redrawn in the style of each sketch, and a small flow on the residual learns pairs that differ only in that. Digit and colour stay exactly as they are. ${DEFAULT_STEPS.webgpu} steps by default on WebGPU, ${DEFAULT_STEPS.cpu} on the CPU; all in this page.`,
    }),
    el('div', { class: 'concept-run' }, el('div', { class: 'concept-progress' }, progress, progressText), loss),
    message,
    result,
    el('div', { class: 'toolbar concept-files' }, exportButton, importButton, share),
    link,
  );
  for (const which of ['A', 'B']) pads[which].wipe();

  // -- presets and names --------------------------------------------------------------------
  let autoName = '';
  function usePreset(preset) {
    pads.A.show(preset.a.rgba, preset.a.width, preset.a.height);
    pads.B.show(preset.b.rgba, preset.b.width, preset.b.height);
    if (!name.value.trim() || name.value === autoName) {
      name.value = preset.name;
      autoName = preset.name;
    }
    say('');
  }

  // -- learning -----------------------------------------------------------------------------
  let token = 0;
  let busy = false;
  let losses = [];
  let lastName = '';

  const setState = (state) => {
    root.dataset.state = state;
    learn.disabled = state === 'learning' || state === 'finishing';
    cancel.disabled = state !== 'learning';
  };

  async function run() {
    if (busy) return;
    const total = Number(steps.value);
    const seedValue = Number(seed.value);
    if (!Number.isInteger(total) || total < 1 || total > MAX_STEPS) return say(`Steps: a whole number from 1 to ${MAX_STEPS}.`, true);
    if (!Number.isInteger(seedValue) || seedValue < 0 || seedValue > 0xffffffff) return say('Seed: a whole number from 0 to 4294967295.', true);
    busy = true;
    const mine = ++token;
    const backend = session.backend;
    let slice = 1;
    const label = name.value.trim();
    const a = pads.A.pixels();
    const b = pads.B.pixels();
    losses = [];
    drawLoss();
    result.hidden = true;
    shared.hidden = true;
    progress.max = total;
    progress.value = 0;
    progressText.textContent = 'Preparing the pairs…';
    setState('learning');
    say('');
    const started = performance.now();
    try {
      const shift = await session.call('startConcept', label, bytesOf(a), a.width, a.height, bytesOf(b), b.width, b.height, seedValue);
      if (mine !== token) return;
      say(`Learning “${label}”: ${describeShift(shift)}.`);
      const trainStart = performance.now();
      let done = 0;
      while (done < total) {
        const k = Math.min(slice, total - done);
        const callStart = performance.now();
        const got = await session.call('conceptSteps', k);
        if (mine !== token) return;
        if (backend === 'webgpu') {
          const perStep = (performance.now() - callStart) / k;
          slice = Math.max(1, Math.min(MAX_SLICE, Math.floor(SLICE_MS / perStep)));
        }
        losses.push(...got);
        done += got.length;
        const seconds = (performance.now() - trainStart) / 1000;
        const rate = done / seconds;
        progress.value = done;
        root.dataset.stepsDone = String(done);
        progressText.textContent = `${done} / ${total} steps · ${rate.toFixed(1)} steps/s · about ${formatSeconds((total - done) / rate)} left`;
        drawLoss();
        // Let the page paint and answer input between calls (a CPU step blocks the main thread).
        await new Promise((resolve) => setTimeout(resolve, 0));
        if (mine !== token) return;
      }
      const trainSeconds = (performance.now() - trainStart) / 1000;
      setState('finishing');
      progressText.textContent = `${total} / ${total} steps · installing the new factor and scoring it…`;
      const info = await changeModel((zt) => session.call('finishConcept', zt));
      const seconds = (performance.now() - started) / 1000;
      const rate = total / trainSeconds;
      progressText.textContent = `${total} / ${total} steps · ${rate.toFixed(1)} steps/s`;
      timings().push({ kind: 'concept', ms: seconds * 1000, trainMs: trainSeconds * 1000, steps: total, backend, at: performance.now() });
      showResult(info, { seconds, rate, steps: total, backend, trainSeconds, verb: 'Learned' });
      say('');
      onLearned(info);
    } catch (error) {
      if (mine !== token) return;
      session.sync('cancelConcept');
      const moved = session.backend !== backend;
      setState('error');
      say(
        moved
          ? `WebGPU stopped working while the concept was being learned, so it was dropped; the page now runs on the CPU. Press Learn to learn it there (the model is as it was).`
          : `Nothing was learned: ${messageOf(error)}`,
        true,
      );
      progressText.textContent = losses.length ? `stopped after ${losses.length} steps` : '';
    } finally {
      if (mine === token) busy = false;
    }
  }

  function stop() {
    if (!busy || root.dataset.state !== 'learning') return;
    token += 1;
    busy = false;
    session.sync('cancelConcept');
    setState('cancelled');
    progressText.textContent = `cancelled after ${losses.length} steps`;
    say('Cancelled: the model is exactly as it was.');
  }

  session.addEventListener('device', () => {
    if (root.dataset.state === 'learning') {
      // The loop notices on its next call (the trainer lived on the lost device).
      progressText.textContent = 'WebGPU stopped working…';
    }
  });

  function showResult(info, { seconds, rate, steps: count, backend, trainSeconds, verb }) {
    const factor = info.factors[info.concept];
    lastName = factor?.name ?? lastName;
    const score = info.score;
    const scoreText = score
      ? `slider vs ${score.against}: ρ = ${score.spearman.toFixed(2)}`
      : 'no measured score: the sketches differ in ink colour, which has no ground truth to compare with';
    const lines = [
      el('p', { class: 'concept-done', id: 'concept-done' }, el('strong', { text: `${verb} “${lastName}”` }), ': a new slider in Explore, the analogy grid, the walk and the embeddings.'),
      el('p', { class: 'concept-score', id: 'concept-score', text: scoreText }),
    ];
    if (seconds !== undefined) {
      lines.push(
        el('p', {
          class: 'timing',
          id: 'concept-time',
          text: `${count} steps in ${formatSeconds(trainSeconds)} (${rate.toFixed(1)} steps/s on ${backend === 'webgpu' ? 'WebGPU' : 'the CPU'}); ${formatSeconds(seconds)} in all, with preparing and scoring.`,
        }),
      );
      result.dataset.seconds = seconds.toFixed(2);
      result.dataset.rate = rate.toFixed(3);
    }
    result.replaceChildren(...lines);
    result.dataset.concept = lastName;
    result.dataset.spearman = score ? String(score.spearman) : '';
    result.hidden = false;
    exportButton.disabled = false;
    setState('done');
  }

  // -- the loss curve -----------------------------------------------------------------------
  function drawLoss() {
    const { width, height, ratio } = fitCanvas(loss);
    const ctx = loss.getContext('2d');
    ctx.clearRect(0, 0, width, height);
    const css = getComputedStyle(document.documentElement);
    const colour = (v) => css.getPropertyValue(v).trim() || '#888';
    ctx.fillStyle = colour('--border');
    ctx.fillRect(0, height - ratio, width, ratio);
    ctx.font = `${11 * ratio}px system-ui, sans-serif`;
    ctx.fillStyle = colour('--muted');
    const finite = losses.filter(Number.isFinite);
    if (finite.length < 1) {
      ctx.fillText('loss per step', 6 * ratio, 14 * ratio);
      return;
    }
    let lo = Math.min(...finite);
    let hi = Math.max(...finite);
    if (!(hi > lo)) {
      hi += 0.5;
      lo -= 0.5;
    }
    const total = Math.max(Number(progress.max) || losses.length, losses.length, 2);
    const pad = 18 * ratio;
    const x = (i) => (i / (total - 1)) * (width - 2 * ratio) + ratio;
    const y = (v) => pad + (1 - (v - lo) / (hi - lo)) * (height - pad - 4 * ratio);
    ctx.strokeStyle = colour('--accent');
    ctx.lineWidth = 1.5 * ratio;
    ctx.beginPath();
    losses.forEach((v, i) => (i === 0 ? ctx.moveTo(x(i), y(v)) : ctx.lineTo(x(i), y(v))));
    ctx.stroke();
    ctx.fillStyle = colour('--muted');
    ctx.fillText(`loss ${losses[losses.length - 1].toFixed(3)} (from ${losses[0].toFixed(3)}) · ${losses.length} steps`, 6 * ratio, 13 * ratio);
    loss.dataset.points = String(losses.length);
  }
  new ResizeObserver(() => drawLoss()).observe(loss);

  // -- files --------------------------------------------------------------------------------
  function exportFile() {
    try {
      const bytes = session.sync('exportConcept');
      const url = URL.createObjectURL(new Blob([bytes], { type: 'application/octet-stream' }));
      const a = el('a', { href: url, download: `${fileName(lastName || 'concept')}.iinconcept` });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      say(`Exported “${lastName}” (${(bytes.length / 1024).toFixed(0)} kB).`);
    } catch (error) {
      say(`Could not export: ${messageOf(error)}`, true);
    }
  }

  importInput.addEventListener('change', async () => {
    const file = importInput.files?.[0];
    importInput.value = '';
    if (!file || busy) return;
    busy = true;
    setState('finishing');
    say(`Importing ${file.name}…`);
    try {
      const bytes = new Uint8Array(await file.arrayBuffer());
      const info = await changeModel((zt) => session.call('importConcept', bytes, zt));
      showResult(info, { verb: 'Imported' });
      say('');
      onLearned(info);
    } catch (error) {
      setState('error');
      say(`Could not import ${file.name}: ${messageOf(error)}`, true);
    } finally {
      busy = false;
    }
  });

  // -- sharing by URL -----------------------------------------------------------------------
  function shareLink() {
    try {
      const label = name.value.trim();
      if (!label) throw new Error('give the concept a name first');
      const value = encodeShare({
        name: label,
        seed: Number(seed.value) >>> 0,
        steps: Math.min(Math.max(1, Number(steps.value) | 0), MAX_STEPS),
        a: downscale(pads.A.pad),
        b: downscale(pads.B.pad),
      });
      const url = new URL(location.href);
      url.hash = `concept=${value}`;
      history.replaceState(null, '', url.href);
      link.value = url.href;
      link.hidden = false;
      say(`The link below holds both sketches (32×32), the name, the seed and the steps, after the “#”, which browsers never send to a server.`);
    } catch (error) {
      say(`Could not make a link: ${messageOf(error)}`, true);
    }
  }

  /** Fills the pads and the form from a #concept=… value; throws on a malformed one. */
  function loadShared(value) {
    const s = decodeShare(value);
    for (const which of ['A', 'B']) {
      const sketch = s[which.toLowerCase()];
      pads[which].show(sketch.rgba, SHARE_SIZE, SHARE_SIZE);
    }
    name.value = s.name;
    seed.value = String(s.seed);
    steps.value = String(s.steps);
    const go = el('button', { type: 'button', id: 'concept-learn-shared', text: 'Learn the shared concept', onclick: () => run() });
    shared.replaceChildren(
      el('span', { text: `This link shares a concept, “${s.name}” (${s.steps} steps, seed ${s.seed}): its two sketches are in pads A and B. ` }),
      go,
    );
    shared.hidden = false;
    root.dataset.shared = s.name;
  }

  function say(text, isError = false) {
    message.textContent = text;
    message.classList.toggle('error', isError);
    message.dataset.kind = text ? (isError ? 'error' : 'info') : '';
  }

  return { pads, loadShared, run, stop, presets };
}

// -- helpers ----------------------------------------------------------------------------------

function presetLabel(name) {
  return { thickness: 'thin → thick', slant: 'upright → slanted', roundness: 'angular → round', colour: 'red → blue' }[name] ?? name;
}

function bytesOf(image) {
  return new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.byteLength);
}

function describeShift(shift) {
  const parts = [];
  if (Math.abs(shift.thickness) > 1e-3) parts.push(`strokes ${shift.thickness > 0 ? 'thicker' : 'thinner'} by ${Math.abs(shift.thickness).toFixed(2)}`);
  if (Math.abs(shift.slant) > 1e-3) parts.push(`slant ${shift.slant > 0 ? '+' : '−'}${Math.abs(shift.slant).toFixed(2)}`);
  if (Math.abs(shift.angularity ?? 0) > 1e-3) parts.push(shift.angularity > 0 ? 'more angular' : 'rounder');
  const c = Array.from(shift.colour ?? []);
  if (c.some((v) => Math.abs(v) > 1e-3)) parts.push(`ink colour ${c.map((v) => (v >= 0 ? '+' : '−') + Math.abs(v).toFixed(2)).join(' ')}`);
  return parts.length ? `from A to B, ${parts.join(', ')}` : 'from A to B';
}

export function formatSeconds(s) {
  if (!Number.isFinite(s)) return '—';
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

function fileName(name) {
  return name.replace(/[^\w.-]+/g, '_').slice(0, 48) || 'concept';
}

/**
 * A pad as 32×32 ink over a plain background: the background (the commonest border colour), the
 * ink (the pixel farthest from it), and each pixel's amount of ink in 16 levels.
 */
export function downscale(canvas) {
  const small = document.createElement('canvas');
  small.width = SHARE_SIZE;
  small.height = SHARE_SIZE;
  const ctx = small.getContext('2d', { willReadFrequently: true });
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(canvas, 0, 0, SHARE_SIZE, SHARE_SIZE);
  const data = ctx.getImageData(0, 0, SHARE_SIZE, SHARE_SIZE).data;
  const n = SHARE_SIZE;
  const at = (i) => [data[4 * i], data[4 * i + 1], data[4 * i + 2]];
  const counts = new Map();
  for (let i = 0; i < n * n; i += 1) {
    const x = i % n;
    const y = Math.floor(i / n);
    if (x !== 0 && y !== 0 && x !== n - 1 && y !== n - 1) continue;
    const key = at(i).map((v) => v >> 4).join(',');
    const entry = counts.get(key) ?? { count: 0, sum: [0, 0, 0] };
    entry.count += 1;
    at(i).forEach((v, ch) => (entry.sum[ch] += v));
    counts.set(key, entry);
  }
  const top = [...counts.values()].sort((p, q) => q.count - p.count)[0];
  const bg = top.sum.map((v) => Math.round(v / top.count));
  let ink = bg;
  let far = 0;
  for (let i = 0; i < n * n; i += 1) {
    const p = at(i);
    const d = (p[0] - bg[0]) ** 2 + (p[1] - bg[1]) ** 2 + (p[2] - bg[2]) ** 2;
    if (d > far) {
      far = d;
      ink = p;
    }
  }
  if (far < 30 ** 2) throw new Error('draw both sketches first (a pad is empty)');
  const levels = new Uint8Array(n * n);
  const dir = ink.map((v, ch) => v - bg[ch]);
  const norm = dir.reduce((s, v) => s + v * v, 0);
  for (let i = 0; i < n * n; i += 1) {
    const p = at(i);
    const t = ((p[0] - bg[0]) * dir[0] + (p[1] - bg[1]) * dir[1] + (p[2] - bg[2]) * dir[2]) / norm;
    levels[i] = Math.round(Math.min(1, Math.max(0, t)) * 15);
  }
  return { bg, ink, levels };
}

/** Layout (version 1): version, steps (u16), seed (u32), name length, name (UTF-8), then per sketch: background RGB, ink RGB, 32×32 4-bit levels. */
export function encodeShare({ name, seed, steps, a, b }) {
  const nameBytes = new TextEncoder().encode(name);
  if (nameBytes.length < 1 || nameBytes.length > 64) throw new Error('the name is too long to share');
  const per = 6 + (SHARE_SIZE * SHARE_SIZE) / 2;
  const out = new Uint8Array(8 + nameBytes.length + 2 * per);
  const view = new DataView(out.buffer);
  out[0] = SHARE_VERSION;
  view.setUint16(1, steps, true);
  view.setUint32(3, seed, true);
  out[7] = nameBytes.length;
  out.set(nameBytes, 8);
  let o = 8 + nameBytes.length;
  for (const s of [a, b]) {
    out.set(s.bg, o);
    out.set(s.ink, o + 3);
    o += 6;
    for (let i = 0; i < s.levels.length; i += 2) out[o++] = (s.levels[i] << 4) | s.levels[i + 1];
  }
  return base64url(out);
}

export function decodeShare(value) {
  if (typeof value !== 'string' || !/^[A-Za-z0-9_-]+$/.test(value)) throw new Error('it is not base64url text');
  let bytes;
  try {
    bytes = fromBase64url(value);
  } catch {
    throw new Error('it is not base64url text');
  }
  if (bytes.length < 8) throw new Error('it is too short');
  if (bytes[0] !== SHARE_VERSION) throw new Error(`it has version ${bytes[0]}; this page reads version ${SHARE_VERSION}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const steps = view.getUint16(1, true);
  const seed = view.getUint32(3, true);
  const nameLength = bytes[7];
  const per = 6 + (SHARE_SIZE * SHARE_SIZE) / 2;
  if (bytes.length !== 8 + nameLength + 2 * per) throw new Error(`it has ${bytes.length} bytes, expected ${8 + nameLength + 2 * per}`);
  if (steps < 1 || steps > MAX_STEPS) throw new Error(`its number of steps (${steps}) is out of range`);
  let name;
  try {
    name = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + nameLength)).trim();
  } catch {
    throw new Error('its name is not UTF-8');
  }
  if (!name) throw new Error('its name is empty');
  const sketch = (o) => {
    const bg = bytes.subarray(o, o + 3);
    const ink = bytes.subarray(o + 3, o + 6);
    const rgba = new Uint8Array(SHARE_SIZE * SHARE_SIZE * 4);
    for (let i = 0; i < SHARE_SIZE * SHARE_SIZE; i += 1) {
      const byte = bytes[o + 6 + (i >> 1)];
      const t = ((i & 1) === 0 ? byte >> 4 : byte & 15) / 15;
      for (let ch = 0; ch < 3; ch += 1) rgba[4 * i + ch] = Math.round(bg[ch] + t * (ink[ch] - bg[ch]));
      rgba[4 * i + 3] = 255;
    }
    return { rgba };
  };
  const o = 8 + nameLength;
  return { name, seed, steps, a: sketch(o), b: sketch(o + per) };
}

function base64url(bytes) {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64url(text) {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

