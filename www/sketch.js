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

export function mountSketch(root, { session, onEncoded }) {
  const pad = el('canvas', {
    class: 'pad',
    id: 'sketch-pad',
    width: String(PAD),
    height: String(PAD),
    'aria-label': 'Sketch pad: draw a digit',
    role: 'img',
    dataset: { encodes: '0', state: 'empty' },
  });
  const context = pad.getContext('2d', { willReadFrequently: true });
  const colour = el('input', { type: 'color', id: 'sketch-colour', value: '#ff8c1a' });
  const width = el('input', { type: 'range', id: 'sketch-width', min: '6', max: '30', step: '1', value: '16' });
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
      el(
        'div',
        { class: 'sketch-tools' },
        el('label', { class: 'field' }, el('span', { text: 'Colour' }), colour),
        el('label', { class: 'field' }, el('span', { text: 'Brush' }), width),
        el('div', { class: 'buttons' }, clear, encodeButton),
        message,
      ),
    ),
  );

  function wipe() {
    context.fillStyle = BACKGROUND;
    context.fillRect(0, 0, PAD, PAD);
    pad.dataset.state = 'empty';
    say('');
  }
  wipe();

  // -- drawing ----------------------------------------------------------------------------------
  let last = null;
  const point = (event) => {
    const box = pad.getBoundingClientRect();
    return [((event.clientX - box.left) / box.width) * PAD, ((event.clientY - box.top) / box.height) * PAD];
  };
  const line = (from, to, pressure) => {
    context.strokeStyle = colour.value;
    context.fillStyle = colour.value;
    context.lineCap = 'round';
    context.lineJoin = 'round';
    const scale = pressure > 0 && pressure !== 0.5 ? 0.6 + pressure * 0.8 : 1;
    context.lineWidth = Number(width.value) * scale;
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
    schedule();
  });
  pad.addEventListener('pointermove', (event) => {
    if (!last) return;
    const events = event.getCoalescedEvents ? event.getCoalescedEvents() : [event];
    for (const e of events.length ? events : [event]) {
      const next = point(e);
      line(last, next, e.pressure);
      last = next;
    }
    schedule();
  });
  const end = (event) => {
    if (!last) return;
    last = null;
    if (pad.hasPointerCapture(event.pointerId)) pad.releasePointerCapture(event.pointerId);
    encode(false);
  };
  pad.addEventListener('pointerup', end);
  pad.addEventListener('pointercancel', end);

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
        const image = context.getImageData(0, 0, PAD, PAD);
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
