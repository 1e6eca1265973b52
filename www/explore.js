// The current image and one slider per factor. A slider sets that factor's 1-D handle (in std
// units) through the engine (setHandle, sync) and re-renders: one render in flight at a time,
// the latest z~ wins. The ends of each slider preview the image at -3 and +3 (one batched call).
import { debounce, drawImage, el, formatMs, imageCanvas, timings } from './draw.js';
import { pickable } from './picker.js';
import { messageOf } from './engine.js';

const RANGE = 3;
const STEP = 0.1;

export function mountExplore(root, { session, current, info, previews = true }) {
  const canvas = imageCanvas('img big', 'the current image');
  canvas.id = 'current';
  canvas.dataset.renders = '0';
  canvas.dataset.version = '0';
  canvas.dataset.pending = '0';
  const source = el('p', { class: 'current-source', id: 'current-source', text: '' });
  const message = el('p', { class: 'message', id: 'explore-message', role: 'status' });
  const timing = el('span', { class: 'timing', id: 'render-timing' });
  const reset = el('button', {
    type: 'button',
    class: 'secondary',
    id: 'reset',
    text: 'Reset',
    title: 'Back to the image as it was picked or drawn',
    onclick: () => {
      if (current.base) current.set(current.base, { origin: 'reset' });
    },
  });
  const figure = el(
    'figure',
    { class: 'current' },
    canvas,
    el('figcaption', {}, source, el('span', { class: 'current-tools' }, reset, timing)),
  );
  pickable(canvas, {
    title: 'the current image',
    canvas,
    zt: async () => Float32Array.from(current.zt),
    meta: {},
  });

  let sliders = info.factors.map((factor, index) => makeSlider(factor, index));
  const list = el('div', { class: 'sliders', id: 'sliders' }, ...sliders.map((s) => s.element));
  root.append(el('div', { class: 'explore' }, figure, el('div', { class: 'explore-side' }, list, message)));

  // -- rendering the current image ------------------------------------------------------------
  let inFlight = false;
  let dirty = false;
  let pendingInput = null;

  async function pump() {
    if (inFlight) {
      dirty = true;
      return;
    }
    inFlight = true;
    canvas.dataset.pending = '1';
    try {
      do {
        dirty = false;
        const zt = current.zt;
        const version = current.version;
        const input = pendingInput;
        pendingInput = null;
        const start = performance.now();
        const rgba = await session.call('render', zt);
        drawImage(canvas, rgba);
        const end = performance.now();
        canvas.dataset.version = String(version);
        canvas.dataset.renders = String(Number(canvas.dataset.renders) + 1);
        timing.textContent = `rendered in ${formatMs(end - start)}`;
        if (input !== null) {
          timings().push({ kind: 'edit', ms: end - input, backend: session.backend, at: end });
        }
        if (!window.__iinFirstImage) {
          window.__iinFirstImage = end;
          timings().push({ kind: 'first-image', ms: end, backend: session.backend, at: end });
        }
        message.textContent = '';
        message.classList.remove('error');
      } while (dirty);
    } catch (error) {
      message.textContent = `Could not render: ${messageOf(error)}`;
      message.classList.add('error');
    } finally {
      inFlight = false;
      canvas.dataset.pending = '0';
    }
  }

  // -- sliders --------------------------------------------------------------------------------
  function makeSlider(factor, index) {
    const key = slug(factor.name);
    const id = `slider-${key}`;
    const output = el('output', { class: 'value', for: id, id: `value-${key}`, text: '0.0' });
    const input = el('input', {
      type: 'range',
      id,
      min: String(-RANGE),
      max: String(RANGE),
      step: String(STEP),
      value: '0',
      'aria-describedby': `meaning-${key}`,
      dataset: { factor: factor.name, index: String(index) },
    });
    const lo = imageCanvas('img end', `${factor.name} at −${RANGE}`);
    const hi = imageCanvas('img end', `${factor.name} at +${RANGE}`);
    const element = el(
      'div',
      { class: 'slider', dataset: { factor: factor.name } },
      el(
        'div',
        { class: 'slider-head' },
        el('label', { for: id }, factor.name),
        el('span', { class: 'size', text: `${factor.size} dims` }),
        output,
      ),
      el('p', { class: 'meaning', id: `meaning-${key}`, text: factor.meaning ?? '' }),
      el('div', { class: 'slider-row' }, previews ? lo : null, input, previews ? hi : null),
    );
    input.addEventListener('input', (event) => {
      const t = Number(input.value);
      output.textContent = signed(t);
      const zt = session.sync('setHandle', current.zt, index, t);
      pendingInput ??= event.timeStamp || performance.now();
      current.set(zt, { origin: `slider:${index}` });
    });
    return { element, input, output, lo, hi, factor, index };
  }

  function syncSliders(except = -1) {
    for (const slider of sliders) {
      if (slider.index === except) continue;
      const t = session.sync('handleValue', current.zt, slider.index);
      slider.input.value = String(Math.max(-RANGE, Math.min(RANGE, t)));
      slider.output.textContent = signed(t);
      slider.input.dataset.handle = t.toFixed(4);
    }
  }

  // -- previews of each slider's ends: one batched render -------------------------------------
  let previewVersion = -1;
  const updatePreviews = debounce(async () => {
    if (!previews || !current.zt || previewVersion === current.version) return;
    const version = current.version;
    const batch = new Float32Array(sliders.length * 2 * 64);
    sliders.forEach((slider, i) => {
      batch.set(session.sync('setHandle', current.zt, slider.index, -RANGE), (2 * i) * 64);
      batch.set(session.sync('setHandle', current.zt, slider.index, RANGE), (2 * i + 1) * 64);
    });
    try {
      const rgba = await session.call('render', batch);
      sliders.forEach((slider, i) => {
        drawImage(slider.lo, rgba, 2 * i);
        drawImage(slider.hi, rgba, 2 * i + 1);
      });
      previewVersion = version;
      list.dataset.previewVersion = String(version);
    } catch (error) {
      console.warn('iin: slider previews failed:', messageOf(error));
    }
  }, 250);

  current.addEventListener('change', (event) => {
    const origin = event.detail.origin;
    const fromSlider = origin.startsWith('slider:') ? Number(origin.slice(7)) : -1;
    syncSliders(fromSlider);
    source.textContent = current.source;
    pump();
    updatePreviews();
  });

  /** A new model (a concept was learned or imported): one slider per factor again. */
  function setInfo(next) {
    sliders = next.factors.map((factor, index) => makeSlider(factor, index));
    list.replaceChildren(...sliders.map((s) => s.element));
    previewVersion = -1;
    if (current.zt) {
      syncSliders();
      updatePreviews();
    }
  }

  return {
    canvas,
    get sliders() {
      return sliders;
    },
    setInfo,
    render: pump,
    /** Which slider an index or name means. */
    slider: (which) => sliders.find((s) => s.index === which || s.factor.name === which),
  };
}

/** A factor's name as a piece of an element id (a concept's name may hold any character). */
export function slug(name) {
  return String(name).replace(/[^\w-]+/g, '-');
}

function signed(t) {
  return `${t >= 0 ? '+' : '−'}${Math.abs(t).toFixed(1)}`;
}
