// Any image on the page can be put into a slot (an analogy row or column, an interpolation end):
// drag it onto the slot, or click the slot (it is then "waiting") and click the image. Touch has
// no drag and drop, the click route works everywhere. Escape or a second click cancels.

const items = new WeakMap();
let dragged = null;
let waiting = null;

/** `item`: { title, canvas, zt: () => Promise<Float32Array>, meta: { digit?, colour? } }. */
export function pickable(element, item) {
  items.set(element, item);
  element.classList.add('pickable');
  element.draggable = true;
  element.addEventListener('dragstart', (event) => {
    dragged = item;
    event.dataTransfer.setData('text/plain', item.title ?? 'image');
    event.dataTransfer.effectAllowed = 'copy';
  });
  element.addEventListener('dragend', () => {
    dragged = null;
  });
}

export function itemOf(element) {
  return items.get(element) ?? null;
}

/** `slot.element` accepts drops; `slot.accept(item)` is called with what was dropped or picked. */
export function dropTarget(slot) {
  const element = slot.element;
  element.addEventListener('dragover', (event) => {
    if (!dragged) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
    element.classList.add('drop');
  });
  element.addEventListener('dragleave', () => element.classList.remove('drop'));
  element.addEventListener('drop', (event) => {
    element.classList.remove('drop');
    if (!dragged) return;
    event.preventDefault();
    const item = dragged;
    dragged = null;
    cancel();
    slot.accept(item);
  });
}

/** The slot waits for the next click on an image. */
export function wait(slot) {
  if (waiting === slot) {
    cancel();
    return;
  }
  cancel();
  waiting = slot;
  slot.element.classList.add('waiting');
  slot.element.setAttribute('aria-pressed', 'true');
  document.body.dataset.picking = 'true';
  document.dispatchEvent(new CustomEvent('iin:picking', { detail: { waiting: true } }));
}

export function cancel() {
  if (!waiting) return;
  waiting.element.classList.remove('waiting');
  waiting.element.setAttribute('aria-pressed', 'false');
  waiting = null;
  delete document.body.dataset.picking;
  document.dispatchEvent(new CustomEvent('iin:picking', { detail: { waiting: false } }));
}

document.addEventListener(
  'click',
  (event) => {
    if (!waiting) return;
    const target = event.target.closest?.('.pickable');
    if (!target || !items.has(target)) return;
    event.preventDefault();
    event.stopPropagation();
    const slot = waiting;
    cancel();
    slot.accept(items.get(target));
  },
  true,
);

document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape') cancel();
});
