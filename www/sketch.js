// The sketch pad: pointer events (mouse, pen, touch; touch-action: none), a colour and a brush
// width, Clear and Encode. While drawing, the pad is encoded live: one encode in flight at a time,
// at most one every THROTTLE_MS, and always once more when the stroke ends. The engine crops and
// centres the ink like MNIST; an empty or all-ink pad is refused with a message, and the image
// on the page stays as it was.
import { el } from './draw.js';
import { messageOf } from './engine.js';

const PAD = 192;
const BACKGROUND = '#000000';
const THROTTLE_MS = 120;

/**
 * A drawing pad: a canvas with pointer events (mouse, pen, touch), a colour and a brush width.
 * `onStroke()` while drawing, `onEnd()` when a stroke ends. Used by the digit pad below and by
 * the concept panel's pads A and B.
 */
export function createPad({ id, label, colour: ink = '#ff8c1a', brush = 16, size = PAD, onStroke = () => {}, onEnd = () => {} }) {
  const pad = el('canvas', {
    class: 'pad',
    id,
    width: String(size),
    height: String(size),
    'aria-label': label,
    role: 'img',
    dataset: { state: 'empty' },
  });
  const context = pad.getContext('2d', { willReadFrequently: true });
  const colour = el('input', { type: 'color', id: `${id}-colour`, value: ink });
  const width = el('input', { type: 'range', id: `${id}-brush`, min: '4', max: '30', step: '1', value: String(brush) });

  function wipe() {
    context.fillStyle = BACKGROUND;
    context.fillRect(0, 0, size, size);
    pad.dataset.state = 'empty';
  }
  wipe();

  let last = null;
  const point = (event) => {
    const box = pad.getBoundingClientRect();
    return [((event.clientX - box.left) / box.width) * size, ((event.clientY - box.top) / box.height) * size];
  };
  const line = (from, to, pressure) => {
    context.strokeStyle = colour.value;
    context.fillStyle = colour.value;
    context.lineCap = 'round';
    context.lineJoin = 'round';
    const scale = pressure > 0 && pressure !== 0.5 ? 0.6 + pressure * 0.8 : 1;
    context.lineWidth = Number(width.value) * (size / PAD) * scale;
    context.beginPath();
    context.moveTo(...from);
    context.lineTo(...to);
    context.stroke();
  };
  pad.addEventListener('pointerdown', (event) => {
    if (event.button !== 0 && event.pointerType === 'mouse') return;
    event.preventDefault();
    pad.setPointerCapture(event.pointerId);
    last = point(event);
    line(last, last, event.pressure);
    pad.dataset.state = 'drawn';
    onStroke();
  });
  pad.addEventListener('pointermove', (event) => {
    if (!last) return;
    const events = event.getCoalescedEvents ? event.getCoalescedEvents() : [event];
    for (const e of events.length ? events : [event]) {
      const next = point(e);
      line(last, next, e.pressure);
      last = next;
    }
    onStroke();
  });
  const end = (event) => {
    if (!last) return;
    last = null;
    if (pad.hasPointerCapture(event.pointerId)) pad.releasePointerCapture(event.pointerId);
    onEnd();
  };
  pad.addEventListener('pointerup', end);
  pad.addEventListener('pointercancel', end);

  return {
    pad,
    context,
    colour,
    width,
    size,
    wipe,
    /** The pad's pixels (RGBA, size × size). */
    pixels: () => context.getImageData(0, 0, size, size),
    /** Draws an image (RGBA bytes, any size) over the whole pad, scaled. */
    show(rgba, w, h) {
      const source = document.createElement('canvas');
      source.width = w;
      source.height = h;
      source.getContext('2d').putImageData(new ImageData(new Uint8ClampedArray(rgba), w, h), 0, 0);
      wipe();
      context.imageSmoothingEnabled = true;
      context.imageSmoothingQuality = 'high';
      context.drawImage(source, 0, 0, size, size);
      pad.dataset.state = 'drawn';
    },
    tools: () => [
      el('label', { class: 'field' }, el('span', { text: 'Colour' }), colour),
      el('label', { class: 'field' }, el('span', { text: 'Brush' }), width),
    ],
  };
}

export function mountSketch(root, { session, onEncoded }) {
  const drawing = createPad({
    id: 'sketch-pad',
    label: 'Sketch pad: draw a digit',
    onStroke: () => schedule(),
    onEnd: () => encode(false),
  });
  const { pad } = drawing;
  pad.dataset.encodes = '0';
  // The digit pad's controls keep their ids (sketch-colour, sketch-width).
  drawing.colour.id = 'sketch-colour';
  drawing.width.id = 'sketch-width';
  drawing.width.min = '6';
  const message = el('p', { class: 'message', id: 'sketch-message', role: 'status', 'aria-live': 'polite' });
  const clear = el('button', { type: 'button', class: 'secondary', id: 'sketch-clear', text: 'Clear', onclick: () => wipe() });
  const encodeButton = el('button', {
    type: 'button',
    id: 'sketch-encode',
    text: 'Encode',
    title: 'Encode the drawing now',
    onclick: () => encode(true),
  });
  root.append(
    el(
      'div',
      { class: 'sketch' },
      pad,
      el('div', { class: 'sketch-tools' }, ...drawing.tools(), el('div', { class: 'buttons' }, clear, encodeButton), message),
    ),
  );

  function wipe() {
    drawing.wipe();
    say('');
  }

  // -- encoding ---------------------------------------------------------------------------------
  let inFlight = false;
  let again = false;
  let lastStart = 0;
  let timer = 0;

  function schedule() {
    if (timer) return;
    const wait = Math.max(0, lastStart + THROTTLE_MS - performance.now());
    timer = setTimeout(() => {
      timer = 0;
      encode(false);
    }, wait);
  }

  async function encode(explicit) {
    if (inFlight) {
      again = true;
      return;
    }
    inFlight = true;
    pad.dataset.encoding = 'true';
    try {
      do {
        again = false;
        lastStart = performance.now();
        const image = drawing.pixels();
        try {
          const zt = await session.call('encodeSketch', new Uint8Array(image.data.buffer), PAD, PAD);
          pad.dataset.encodes = String(Number(pad.dataset.encodes) + 1);
          say('');
          onEncoded(zt);
        } catch (error) {
          // An empty pad is only worth a message when someone asked, or drew and wiped it.
          if (explicit || pad.dataset.state !== 'empty') say(messageOf(error), true);
        }
      } while (again);
    } finally {
      inFlight = false;
      pad.dataset.encoding = 'false';
    }
  }

  function say(text, isError = false) {
    message.textContent = text;
    message.classList.toggle('error', isError);
    message.dataset.kind = text ? (isError ? 'error' : 'info') : '';
  }

  return { pad, encode, wipe };
}
