// Interpolation (linear in z~ beside linear in z), an animated mean-reverting walk inside one
// factor (with Stop), and new samples from N(0, I). Every strip is one engine call.
import { drawImage, drawStrip, el, formatMs, imageCanvas } from './draw.js';
import { messageOf } from './engine.js';
import { pickable } from './picker.js';
import { Slot } from './slots.js';
import { factorOptions } from './analogy.js';

const STEPS = 8;

export function mountInterpolation(root, { session, onExplore }) {
  const tilde = el('div', { class: 'strip', id: 'interp-tilde', dataset: { renders: '0' } });
  const direct = el('div', { class: 'strip', id: 'interp-direct', dataset: { renders: '0' } });
  const message = el('p', { class: 'message', id: 'interp-message', role: 'status' });
  const timing = el('span', { class: 'timing', id: 'interp-timing' });
  let frames = { tilde: null };
  const run = async () => {
    if (!a.zt || !b.zt) return;
    try {
      const start = performance.now();
      const result = await session.call('interpolate', a.zt, b.zt, STEPS);
      drawStrip(tilde, result.tilde, STEPS, 'img', (i) => `z~ step ${i + 1}`);
      drawStrip(direct, result.direct, STEPS, 'img', (i) => `z step ${i + 1}`);
      for (const strip of [tilde, direct]) {
        strip.dataset.renders = String(Number(strip.dataset.renders) + 1);
        [...strip.children].forEach((canvas, i) =>
          pickable(canvas, { title: `${strip.id} step ${i + 1}`, canvas, zt: async () => frameZt(strip, i), meta: {} }),
        );
      }
      frames = { a: a.zt, b: b.zt };
      timing.textContent = `${STEPS} steps each in ${formatMs(performance.now() - start)}`;
      root.dataset.state = 'ready';
      message.textContent = '';
    } catch (error) {
      message.textContent = `Could not interpolate: ${messageOf(error)}`;
      message.classList.add('error');
    }
  };
  // The z~ strip's frames are known exactly (linear in z~); a frame of the z strip is explored
  // through its z~ only approximately, so it is not offered.
  const frameZt = (strip, i) => {
    if (strip !== tilde || !frames.a) throw new Error('only the z~ strip can be explored');
    const s = i / (STEPS - 1);
    return frames.a.map((x, d) => x + s * (frames.b[d] - x));
  };
  const a = new Slot({ name: 'start', id: 'interp-a', onChange: run });
  const b = new Slot({ name: 'end', id: 'interp-b', onChange: run });
  tilde.addEventListener('click', (event) => {
    const index = [...tilde.children].indexOf(event.target);
    if (index >= 0 && frames.a) onExplore(frameZt(tilde, index), `interpolation step ${index + 1}`);
  });
  root.append(
    el('div', { class: 'toolbar' }, el('span', { class: 'ends' }, a.element, el('span', { text: '→' }), b.element), timing),
    el('div', { class: 'strip-label', text: 'linear in z~ (the flow’s space)' }),
    tilde,
    el('div', { class: 'strip-label', text: 'linear in z (the autoencoder’s code)' }),
    direct,
    message,
  );
  /** Both ends' z~, for a new model to map. */
  const holders = () => [a, b].filter((s) => s.zt).map((s) => ({ zt: s.zt, set: (zt) => s.set(s.item, zt) }));
  return { a, b, run, holders };
}

const WALK_FRAMES = 24;
const WALK_FPS = 12;

export function mountWalk(root, { session, current, info, onExplore }) {
  const select = el(
    'select',
    { id: 'walk-factor' },
    ...factorOptions(info.factors),
  );
  const canvas = imageCanvas('img big', 'the walk');
  canvas.id = 'walk-canvas';
  const counter = el('span', { class: 'timing', id: 'walk-frame', text: '' });
  const start = el('button', { type: 'button', id: 'walk-start', text: 'Walk' });
  const stop = el('button', { type: 'button', class: 'secondary', id: 'walk-stop', text: 'Stop', disabled: true });
  const keep = el('button', { type: 'button', class: 'secondary', id: 'walk-keep', text: 'Explore this frame', disabled: true });
  const message = el('p', { class: 'message', id: 'walk-message', role: 'status' });
  root.dataset.state = 'stopped';
  root.append(
    el('div', { class: 'toolbar' }, el('label', { class: 'field' }, el('span', { text: 'Factor' }), select), start, stop, keep),
    el('div', { class: 'walk' }, canvas, el('div', {}, counter, message)),
  );

  let running = false;
  let token = 0;
  let shown = null;
  let frame = 0;
  let seed = 1;

  start.addEventListener('click', () => {
    if (running || !current.zt) return;
    running = true;
    token += 1;
    root.dataset.state = 'running';
    start.disabled = true;
    stop.disabled = false;
    keep.disabled = true;
    play(token, Float32Array.from(current.zt), Number(select.value));
  });
  stop.addEventListener('click', halt);
  keep.addEventListener('click', () => {
    if (shown) onExplore(shown, `walk frame ${frame}`);
  });

  function halt() {
    running = false;
    token += 1;
    root.dataset.state = 'stopped';
    start.disabled = false;
    stop.disabled = true;
    keep.disabled = !shown;
  }

  async function play(mine, from, k) {
    try {
      let batch = await session.call('walk', from, k, WALK_FRAMES, seed++);
      while (running && mine === token) {
        // Ask for the next batch from this batch's last frame while this one plays.
        const last = batch.zt.slice((WALK_FRAMES - 1) * 64);
        const next = session.call('walk', last, k, WALK_FRAMES, seed++);
        next.catch(() => {});
        for (let f = 0; f < WALK_FRAMES; f += 1) {
          if (!running || mine !== token) return;
          drawImage(canvas, batch.rgba, f);
          shown = batch.zt.slice(f * 64, (f + 1) * 64);
          frame += 1;
          counter.textContent = `frame ${frame}`;
          root.dataset.frame = String(frame);
          await new Promise((resolve) => setTimeout(resolve, 1000 / WALK_FPS));
        }
        batch = await next;
      }
    } catch (error) {
      message.textContent = `The walk stopped: ${messageOf(error)}`;
      message.classList.add('error');
      if (mine === token) halt();
    }
  }

  /** A new model: the walk stops (it walks in the old z~), its frame is mapped, the factors listed again. */
  function setInfo(next) {
    if (running) halt();
    const chosen = select.selectedOptions[0]?.textContent;
    select.replaceChildren(...factorOptions(next.factors));
    const k = next.factors.findIndex((f) => f.name === chosen);
    select.value = String(Math.max(0, k));
  }
  const holders = () => (shown ? [{ zt: shown, set: (zt) => (shown = Float32Array.from(zt)) }] : []);

  return { stop: halt, setInfo, holders };
}

const SAMPLES = 8;

export function mountSamples(root, { session, onExplore }) {
  const grid = el('div', { class: 'thumbs', id: 'samples', dataset: { renders: '0' } });
  const button = el('button', { type: 'button', id: 'samples-new', text: 'New samples' });
  const timing = el('span', { class: 'timing', id: 'samples-timing' });
  const message = el('p', { class: 'message', id: 'samples-message', role: 'status' });
  let seed = 1;
  root.append(el('div', { class: 'toolbar' }, button, timing), grid, message);
  button.addEventListener('click', draw);

  async function draw() {
    button.disabled = true;
    try {
      const start = performance.now();
      const { zt, rgba } = await session.call('sample', SAMPLES, seed++);
      grid.replaceChildren(
        ...Array.from({ length: SAMPLES }, (_, i) => {
          const canvas = imageCanvas('img', `sample ${i + 1}`);
          drawImage(canvas, rgba, i);
          const own = zt.slice(i * 64, (i + 1) * 64);
          const thumb = el('button', { type: 'button', class: 'thumb', title: 'Explore this sample', onclick: () => onExplore(own, `sample ${i + 1}`) }, canvas);
          pickable(thumb, { title: `sample ${i + 1}`, canvas, zt: async () => own, meta: {} });
          return thumb;
        }),
      );
      grid.dataset.renders = String(Number(grid.dataset.renders) + 1);
      timing.textContent = `${SAMPLES} in ${formatMs(performance.now() - start)}`;
      message.textContent = '';
    } catch (error) {
      message.textContent = `Could not sample: ${messageOf(error)}`;
      message.classList.add('error');
    } finally {
      button.disabled = false;
    }
  }
  return { draw };
}
