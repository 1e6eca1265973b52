// Live embeddings of the held-out examples: the residual in 2-D, each named factor in 1-D, and
// the autoencoder's z in 2-D (all computed by the engine), with the current image marked.
// Points are coloured by digit, except a colour factor's, which shows each example's own colour.
import { debounce, digitColour, el, fitCanvas, rgbCss } from './draw.js';
import { messageOf } from './engine.js';
import { slug } from './explore.js';

export async function mountEmbeddings(root, { session, current, info }) {
  let views = [];
  let marker = null;
  let ready = false;
  let built = 0;
  const status = el('p', { class: 'message', id: 'embeddings-message', role: 'status' });
  const redraw = () => views.forEach((v) => v.draw(marker));

  /** Computes the embeddings for `model` (its factors) and draws them. */
  async function build(model) {
    const mine = ++built;
    ready = false;
    root.dataset.state = 'computing';
    status.textContent = 'Computing the embeddings…';
    status.classList.remove('error');
    if (!status.isConnected) root.append(status);
    // Queued now, before anything that asks where the current image sits.
    const pending = session.call('embeddings');
    let data;
    try {
      data = await pending;
    } catch (error) {
      status.textContent = `Could not compute the embeddings: ${messageOf(error)}`;
      status.classList.add('error');
      root.dataset.state = 'error';
      return;
    }
    if (mine !== built) return;
    const named = model.factors.filter((f) => f.name !== 'residual');
    const n = data.labels.length;
    const byDigit = (i, a) => digitColour(data.labels[i], a);
    const byColour = (i, a) => rgbCss(data.colours[3 * i], data.colours[3 * i + 1], data.colours[3 * i + 2], a);

    const next = [];
    const view2d = (key, title, caption, xy) => {
      const canvas = el('canvas', { class: 'plot plot-2d', id: `emb-${key}`, 'aria-label': `${title}: ${caption}`, role: 'img' });
      next.push({ canvas, draw: (m) => plot2d(canvas, xy, n, byDigit, m?.[key]) });
      return el('figure', { class: 'plot-figure' }, canvas, el('figcaption', {}, el('strong', { text: title }), ` ${caption}`));
    };
    const view1d = (factor, row) => {
      const values = data.factors.subarray(row * n, (row + 1) * n);
      const colourOf = /^colou?r$/i.test(factor.name) ? byColour : byDigit;
      const canvas = el('canvas', {
        class: 'plot plot-1d',
        id: `emb-factor-${slug(factor.name)}`,
        'aria-label': `${factor.name} in 1-D`,
        role: 'img',
        dataset: { factor: factor.name },
      });
      next.push({ canvas, draw: (m) => plot1d(canvas, values, colourOf, m ? m.factors[row] : undefined) });
      return el(
        'figure',
        { class: 'plot-figure wide' },
        canvas,
        el('figcaption', {}, el('strong', { text: factor.name }), colourOf === byColour ? ' in 1-D, each example in its own colour' : ' in 1-D, coloured by digit'),
      );
    };

    const legend = el(
      'div',
      { class: 'legend', 'aria-label': 'digit colours' },
      ...Array.from({ length: 10 }, (_, d) =>
        el('span', { class: 'legend-item' }, el('i', { style: `background:${digitColour(d)}` }), String(d)),
      ),
    );
    root.replaceChildren(
      el(
        'div',
        { class: 'plots' },
        view2d('residual', 'residual', 'in 2-D, coloured by digit', data.residual),
        view2d('z', 'z', '(the autoencoder’s code) in 2-D', data.z),
        ...named.map((factor, row) => view1d(factor, row)),
      ),
      legend,
      status,
    );
    views = next;
    marker = null;
    ready = true;
    status.textContent = '';
    root.dataset.factors = named.map((f) => f.name).join(',');
    root.dataset.state = 'ready';
    update();
    redraw();
  }

  new ResizeObserver(redraw).observe(root);
  const update = debounce(async () => {
    if (!current.zt || !ready) return;
    const version = current.version;
    const mine = built;
    try {
      const point = await session.call('embedPoint', current.zt);
      if (mine !== built) return;
      marker = point;
      root.dataset.markerVersion = String(version);
      root.dataset.marker = Array.from(marker.residual, (x) => x.toFixed(3)).join(',');
      redraw();
    } catch (error) {
      status.textContent = `Could not place the current image: ${messageOf(error)}`;
    }
  }, 120);
  current.addEventListener('change', update);
  await build(info);
  /** A new model (a concept): its embeddings, with a 1-D view of the new factor. */
  return { refresh: (model) => build(model) };
}

function range(values, stride = 1, offset = 0) {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = offset; i < values.length; i += stride) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!(hi > lo)) {
    lo -= 1;
    hi += 1;
  }
  const pad = (hi - lo) * 0.06;
  return [lo - pad, hi + pad];
}

function themeColour(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
}

function plot2d(canvas, xy, n, colourOf, marker) {
  const { width, height, ratio } = fitCanvas(canvas);
  const ctx = canvas.getContext('2d');
  ctx.clearRect(0, 0, width, height);
  const [x0, x1] = range(xy, 2, 0);
  const [y0, y1] = range(xy, 2, 1);
  const sx = (x) => ((x - x0) / (x1 - x0)) * width;
  const sy = (y) => height - ((y - y0) / (y1 - y0)) * height;
  const r = 2.2 * ratio;
  for (let i = 0; i < n; i += 1) {
    ctx.fillStyle = colourOf(i, 0.75);
    ctx.beginPath();
    ctx.arc(sx(xy[2 * i]), sy(xy[2 * i + 1]), r, 0, Math.PI * 2);
    ctx.fill();
  }
  if (marker) drawMarker(ctx, clamp(sx(marker[0]), width), clamp(sy(marker[1]), height), ratio);
}

function plot1d(canvas, values, colourOf, marker) {
  const { width, height, ratio } = fitCanvas(canvas);
  const ctx = canvas.getContext('2d');
  ctx.clearRect(0, 0, width, height);
  const [x0, x1] = range(values);
  const sx = (x) => ((x - x0) / (x1 - x0)) * width;
  ctx.fillStyle = themeColour('--border');
  ctx.fillRect(0, height / 2 - 0.5 * ratio, width, ratio);
  for (let i = 0; i < values.length; i += 1) {
    // A fixed jitter per example spreads the points vertically; only x carries meaning.
    const jitter = ((Math.sin(i * 12.9898) * 43758.5453) % 1 + 1) % 1;
    ctx.fillStyle = colourOf(i, 0.7);
    ctx.fillRect(sx(values[i]) - ratio, (0.12 + 0.76 * jitter) * height - ratio, 2.4 * ratio, 2.4 * ratio);
  }
  if (marker !== undefined) {
    const x = clamp(sx(marker), width);
    ctx.strokeStyle = themeColour('--fg');
    ctx.lineWidth = 2 * ratio;
    ctx.beginPath();
    ctx.moveTo(x, 0);
    ctx.lineTo(x, height);
    ctx.stroke();
  }
}

function drawMarker(ctx, x, y, ratio) {
  ctx.lineWidth = 2.5 * ratio;
  ctx.strokeStyle = themeColour('--bg');
  ctx.beginPath();
  ctx.arc(x, y, 7 * ratio, 0, Math.PI * 2);
  ctx.stroke();
  ctx.lineWidth = 1.5 * ratio;
  ctx.strokeStyle = themeColour('--fg');
  ctx.stroke();
  ctx.beginPath();
  ctx.moveTo(x - 11 * ratio, y);
  ctx.lineTo(x + 11 * ratio, y);
  ctx.moveTo(x, y - 11 * ratio);
  ctx.lineTo(x, y + 11 * ratio);
  ctx.stroke();
}

function clamp(v, max) {
  return Math.min(max - 2, Math.max(2, v));
}
