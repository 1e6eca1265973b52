// The loading view: a progress bar over the wasm download, then over the model bundle; on a
// failure the reason and a Retry button.
import { el } from './draw.js';
import { formatBytes } from './engine.js';

export function loadingView(root, { idPrefix = '' } = {}) {
  const bar = el('progress', { id: `${idPrefix}load-progress`, max: '1' });
  const status = el('p', { class: 'load-status', id: `${idPrefix}load-status`, role: 'status', text: 'Starting…' });
  const detail = el('p', { class: 'load-detail', id: `${idPrefix}load-detail` });
  const error = el('p', { class: 'message error', id: `${idPrefix}load-error`, role: 'alert', hidden: true });
  const retry = el('button', { type: 'button', id: `${idPrefix}retry`, text: 'Retry', hidden: true });
  const box = el('div', { class: 'loading' }, status, bar, detail, error, retry);
  root.append(box);
  const stages = { wasm: 'WebAssembly', model: 'Model' };
  return {
    box,
    retry,
    status(text) {
      status.textContent = text;
    },
    progress({ stage, loaded, total }) {
      if (total) bar.value = Math.min(1, loaded / total);
      else bar.removeAttribute('value');
      detail.textContent = `${stages[stage] ?? stage}: ${formatBytes(loaded)}${total ? ` of ${formatBytes(total)}` : ''}`;
      box.dataset.stage = stage;
    },
    fail(message) {
      error.textContent = message;
      error.hidden = false;
      retry.hidden = false;
      bar.hidden = true;
      box.dataset.state = 'error';
    },
    reset() {
      error.hidden = true;
      retry.hidden = true;
      bar.hidden = false;
      bar.removeAttribute('value');
      box.dataset.state = 'loading';
    },
    done() {
      box.hidden = true;
    },
  };
}
