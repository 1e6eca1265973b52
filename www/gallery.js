// Held-out digits from the bundle: a page of thumbnails, filtered by digit, reshuffled on demand.
// Click a thumbnail to explore it (or to fill a waiting slot); drag it onto a slot.
import { drawImage, el, imageCanvas, rgbAttr } from './draw.js';
import { pickable } from './picker.js';

const PAGE = 24;

export function mountGallery(root, { session, examples, onPick }) {
  const { labels, colours } = examples;
  const n = labels.length;
  let filter = -1;
  let seed = 1;

  const grid = el('div', { class: 'thumbs', id: 'gallery' });
  const chips = el('div', { class: 'chips', role: 'group', 'aria-label': 'Show one digit' });
  const chip = (value, text) =>
    el('button', {
      type: 'button',
      class: 'chip',
      text,
      'aria-pressed': String(value === filter),
      dataset: { digit: String(value) },
      onclick: (event) => {
        filter = value;
        for (const c of chips.children) c.setAttribute('aria-pressed', String(c === event.currentTarget));
        show();
      },
    });
  chips.append(chip(-1, 'All'), ...Array.from({ length: 10 }, (_, d) => chip(d, String(d))));
  const shuffle = el('button', {
    type: 'button',
    class: 'secondary',
    id: 'gallery-shuffle',
    text: 'Shuffle',
    onclick: () => {
      seed += 1;
      show();
    },
  });
  root.append(el('div', { class: 'toolbar' }, chips, shuffle), grid);

  function show() {
    const order = permutation(n, seed).filter((i) => filter < 0 || labels[i] === filter);
    const indices = order.slice(0, PAGE);
    const rgba = session.sync('exampleImages', Uint32Array.from(indices));
    grid.replaceChildren(
      ...indices.map((index, k) => {
        const colour = rgbAttr(colours[3 * index], colours[3 * index + 1], colours[3 * index + 2]);
        const canvas = imageCanvas('img', `example ${index}, digit ${labels[index]}`);
        drawImage(canvas, rgba, k);
        const button = el(
          'button',
          {
            type: 'button',
            class: 'thumb',
            title: `Example ${index}: digit ${labels[index]}`,
            dataset: { index: String(index), label: String(labels[index]), colour },
            onclick: () => onPick(index, canvas),
          },
          canvas,
        );
        pickable(button, exampleItem(examples, index, canvas));
        return button;
      }),
    );
  }

  show();
  return { show };
}

/** The picker's view of example `index`. */
export function exampleItem(examples, index, canvas) {
  const { labels, colours } = examples;
  return {
    title: `example ${index} (digit ${labels[index]})`,
    canvas,
    zt: () => examples.zt(index),
    meta: {
      digit: labels[index],
      colour: rgbAttr(colours[3 * index], colours[3 * index + 1], colours[3 * index + 2]),
      example: index,
    },
  };
}

/** A fixed pseudo-random order of 0..n-1 for a seed (xorshift; the same on every load). */
export function permutation(n, seed) {
  const order = Array.from({ length: n }, (_, i) => i);
  let s = (seed * 2654435761) >>> 0 || 1;
  for (let i = n - 1; i > 0; i -= 1) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    const j = s % (i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}
