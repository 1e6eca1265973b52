// A slot holds one image (its z~ and a copy of its pixels): an analogy row or column, an end of
// the interpolation. Filled by drag and drop or by click-then-pick (picker.js), or by code.
import { copyCanvas, el, imageCanvas } from './draw.js';
import { dropTarget, wait } from './picker.js';

export class Slot {
  constructor({ name, id, onChange }) {
    this.name = name;
    this.item = null;
    this.zt = null;
    this.onChange = onChange;
    this.canvas = imageCanvas('img', name);
    this.element = el(
      'button',
      {
        type: 'button',
        class: 'slot',
        id,
        title: `${name}: click, then click any image on the page (or drag an image here)`,
        'aria-pressed': 'false',
        dataset: { filled: 'false' },
        onclick: () => wait(this),
      },
      this.canvas,
      el('span', { class: 'slot-hint', text: 'pick' }),
    );
    dropTarget(this);
  }

  /** Takes an item from the picker; resolves its z~ first so the slot is never half-filled. */
  async accept(item) {
    this.element.dataset.filled = 'loading';
    try {
      const zt = await item.zt();
      this.set(item, zt);
    } catch (error) {
      this.element.dataset.filled = this.zt ? 'true' : 'false';
      throw error;
    }
  }

  set(item, zt) {
    this.item = item;
    this.zt = Float32Array.from(zt);
    copyCanvas(item.canvas, this.canvas);
    this.element.dataset.filled = 'true';
    const meta = item.meta ?? {};
    if (meta.digit !== undefined) this.element.dataset.digit = String(meta.digit);
    else delete this.element.dataset.digit;
    if (meta.colour) this.element.dataset.colour = meta.colour;
    else delete this.element.dataset.colour;
    this.element.title = `${this.name}: ${item.title ?? 'an image'} (click to replace)`;
    this.onChange?.(this);
  }
}
