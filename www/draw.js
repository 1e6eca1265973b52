// Pixels onto canvases: the engine returns 32×32 RGBA images, concatenated; CSS scales them up
// (image-rendering: pixelated). Also the page's colours for digits and RGB triples.

export const SIZE = 32;
export const BYTES = SIZE * SIZE * 4;

/** A 32×32 canvas for one image. */
export function imageCanvas(className = 'img', label = '') {
  const canvas = document.createElement('canvas');
  canvas.width = SIZE;
  canvas.height = SIZE;
  canvas.className = className;
  if (label) {
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', label);
  }
  return canvas;
}

/** Draws image `index` of the concatenated `rgba` onto `canvas`. */
export function drawImage(canvas, rgba, index = 0) {
  const start = index * BYTES;
  if (rgba.length < start + BYTES) throw new Error(`image ${index} is missing (${rgba.length} bytes)`);
  const pixels = new Uint8ClampedArray(rgba.buffer, rgba.byteOffset + start, BYTES);
  canvas.getContext('2d').putImageData(new ImageData(new Uint8ClampedArray(pixels), SIZE, SIZE), 0, 0);
}

/** Copies what one canvas shows onto another (a slot showing the image it was given). */
export function copyCanvas(from, to) {
  const context = to.getContext('2d');
  context.clearRect(0, 0, to.width, to.height);
  context.imageSmoothingEnabled = false;
  context.drawImage(from, 0, 0, to.width, to.height);
}

/** `count` canvases in `container` (made or reused), each showing one of the images. */
export function drawStrip(container, rgba, count, className = 'img', labelOf = (i) => `image ${i + 1}`) {
  while (container.children.length > count) container.lastElementChild.remove();
  while (container.children.length < count) {
    container.append(imageCanvas(className, labelOf(container.children.length)));
  }
  for (let i = 0; i < count; i += 1) drawImage(container.children[i], rgba, i);
  return [...container.children];
}

/** Ten hues, one per digit, distinguishable in light and dark. */
const DIGIT_HUES = [0, 30, 55, 95, 150, 185, 215, 250, 285, 320];
export function digitColour(digit, alpha = 1) {
  return `hsl(${DIGIT_HUES[digit % 10]} 75% 52% / ${alpha})`;
}

export function rgbCss(r, g, b, alpha = 1) {
  const c = (x) => Math.round(Math.min(1, Math.max(0, x)) * 255);
  return `rgb(${c(r)} ${c(g)} ${c(b)} / ${alpha})`;
}

export function rgbAttr(r, g, b) {
  return [r, g, b].map((x) => x.toFixed(3)).join(',');
}

/** A canvas's backing store sized for its CSS box and the screen's pixel ratio. */
export function fitCanvas(canvas) {
  const ratio = window.devicePixelRatio || 1;
  const width = Math.max(1, Math.round(canvas.clientWidth * ratio));
  const height = Math.max(1, Math.round(canvas.clientHeight * ratio));
  if (canvas.width !== width || canvas.height !== height) {
    canvas.width = width;
    canvas.height = height;
  }
  return { width, height, ratio };
}

/** Calls `fn` at most once per `ms`, always with the latest arguments, the last call included. */
export function debounce(fn, ms) {
  let timer = 0;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

export function el(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') element.className = value;
    else if (key === 'dataset') Object.assign(element.dataset, value);
    else if (key === 'text') element.textContent = value;
    // CSSOM, not the style attribute: the page's CSP (style-src 'self') refuses inline styles.
    else if (key === 'style') element.style.cssText = value;
    else if (key.startsWith('on')) element.addEventListener(key.slice(2), value);
    else if (key in element && typeof value !== 'string') element[key] = value;
    else element.setAttribute(key, value === true ? '' : value);
  }
  element.append(...children.filter((c) => c !== null && c !== undefined && c !== false));
  return element;
}

export function formatMs(ms) {
  if (!Number.isFinite(ms)) return '—';
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 1 : 0)} ms`;
}

/** Timings the bench and the tests read: { kind, ms, backend, at }. */
export function timings() {
  window.__iinTimings ??= [];
  return window.__iinTimings;
}
