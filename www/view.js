// DOM updates for the round-trip card. No state beyond the DOM itself.

const $ = (id) => document.getElementById(id);

/** `loading` | `running` | `done` | `error`, on the card (the browser test waits on it). */
export function setState(state) {
  $('round-trip').dataset.state = state;
  const busy = state === 'loading' || state === 'running';
  $('run').disabled = busy;
  $('batch-size').disabled = busy;
}

export function setStatus(text) {
  const status = $('status');
  status.classList.remove('error');
  status.textContent = text;
}

export function showError(message) {
  setState('error');
  const status = $('status');
  status.classList.add('error');
  status.textContent = `Error: ${message}`;
  // Leave the controls usable so a rerun is possible after a transient error.
  $('run').disabled = false;
  $('batch-size').disabled = false;
}

export function showDevice(engine) {
  const card = $('round-trip');
  card.dataset.backend = engine.backend;
  const badge = $('backend-badge');
  badge.textContent = engine.backend === 'webgpu' ? 'WebGPU' : 'CPU';
  badge.className = `badge ${engine.backend}`;
  badge.hidden = false;
  $('device').textContent = engine.deviceLabel;
  $('device-reason').textContent = engine.reason;
  $('flow').textContent =
    `${engine.nBlocks} blocks, dimension ${engine.dim}, hidden width ${engine.hidden} · ` +
    `${engine.numParams.toLocaleString('en-US')} parameters (random, untrained)`;
}

export function selectedBatch() {
  return Number($('batch-size').value);
}

/** `result`: a plain object copied from the wasm `RoundTrip`. */
export function showResult(result, firstRunMs) {
  $('batch').textContent = `${result.batch.toLocaleString('en-US')} × ${result.dim} latents, z ~ N(0, I)`;
  const error = $('error');
  error.textContent = formatError(result.maxAbsError);
  error.dataset.value = String(result.maxAbsError);
  const logDet = $('log-det-error');
  logDet.textContent = formatError(result.maxLogDetError);
  logDet.dataset.value = String(result.maxLogDetError);
  const timing = $('timing');
  timing.dataset.ms = String(result.elapsedMs);
  const firstNote =
    $('round-trip').dataset.backend === 'webgpu' ? ' (includes shader compilation)' : '';
  timing.replaceChildren(
    formatMs(result.elapsedMs),
    small(`sample, forward, inverse, read back · first run ${formatMs(firstRunMs)}${firstNote}`),
  );
}

function small(text) {
  const element = document.createElement('small');
  element.textContent = text;
  return element;
}

export function onRun(run, onError) {
  $('controls').addEventListener('submit', (event) => {
    event.preventDefault();
    run(selectedBatch()).catch(onError);
  });
}

function formatError(x) {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0 (exact)';
  return x.toExponential(2);
}

function formatMs(ms) {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`;
}
