// The classifier panel: what the page's classifier predicts for the current decoded image, and
// how strongly each factor of the classifier's own interpretation moves its logits.
import { debounce, el } from './draw.js';
import { messageOf } from './engine.js';

export function mountExplain(root, { session, current, info }) {
  const predicted = el('span', { class: 'prediction', id: 'explain-digit', text: '—' });
  const probs = el('div', { class: 'bars', id: 'explain-probs', role: 'list' });
  const response = el('div', { class: 'bars', id: 'explain-response', role: 'list' });
  const message = el('p', { class: 'message', id: 'explain-message', role: 'status' });
  const probRows = Array.from({ length: info.classes }, (_, d) => bar(String(d)));
  const responseRows = info.classifierFactors.map((f) => bar(f.name));
  probs.append(...probRows.map((r) => r.row));
  response.append(...responseRows.map((r) => r.row));
  root.append(
    el(
      'div',
      { class: 'explain' },
      el(
        'div',
        {},
        el('h3', {}, 'Prediction ', predicted),
        el('p', { class: 'hint', text: 'The classifier’s probabilities for the current image (as decoded).' }),
        probs,
      ),
      el(
        'div',
        {},
        el('h3', { text: 'What moves it' }),
        el('p', {
          class: 'hint',
          text:
            'A second flow splits the classifier’s own features into factors. Each bar is how far the classifier’s logits move (mean L2 distance) when only that factor is redrawn at random: the longer the bar, the more that factor decides the prediction.',
        }),
        response,
      ),
    ),
    message,
  );

  const update = debounce(async () => {
    if (!current.zt) return;
    const version = current.version;
    try {
      const result = await session.call('explain', current.zt);
      let best = 0;
      result.probs.forEach((p, d) => {
        if (p > result.probs[best]) best = d;
        probRows[d].set(p, 1, `${(p * 100).toFixed(1)}%`);
        probRows[d].row.classList.toggle('top', false);
      });
      probRows[best].row.classList.add('top');
      predicted.textContent = String(best);
      const max = Math.max(1e-9, ...result.response);
      result.response.forEach((v, k) => responseRows[k].set(v, max, v.toFixed(2)));
      root.dataset.version = String(version);
      root.dataset.prediction = String(best);
      root.dataset.probSum = result.probs.reduce((a, b) => a + b, 0).toFixed(4);
      message.textContent = '';
    } catch (error) {
      message.textContent = `Could not explain: ${messageOf(error)}`;
      message.classList.add('error');
    }
  }, 150);
  current.addEventListener('change', update);
  update();
}

function bar(name) {
  const fill = el('span', { class: 'fill' });
  const value = el('span', { class: 'bar-value' });
  const row = el('div', { class: 'bar', role: 'listitem', dataset: { name } }, el('span', { class: 'bar-name', text: name }), el('span', { class: 'track' }, fill), value);
  return {
    row,
    set(v, max, text) {
      fill.style.width = `${Math.max(0, Math.min(1, v / max)) * 100}%`;
      value.textContent = text;
      row.dataset.value = String(v);
    },
  };
}
