// The analogy grid: choose a factor; cell (i, j) takes that factor from row i and everything else
// from column j (one engine call for the whole grid). Each cell carries what the page's own
// classifier reads (data-digit) and the colour measured from its pixels (data-colour), so people
// and tests can check that the factor follows the rows and the rest follows the columns.
import { debounce, drawImage, el, formatMs, imageCanvas, rgbAttr, rgbCss, timings } from './draw.js';
import { permutation } from './gallery.js';
import { messageOf } from './engine.js';
import { pickable } from './picker.js';
import { Slot } from './slots.js';

export function mountAnalogy(root, { session, info, examples, onExplore, size = 3 }) {
  let factors = info.factors;
  const select = el(
    'select',
    { id: 'analogy-factor' },
    ...factorOptions(factors),
  );
  const timing = el('span', { class: 'timing', id: 'analogy-timing' });
  const message = el('p', { class: 'message', id: 'analogy-message', role: 'status' });
  const fill = el('button', { type: 'button', class: 'secondary', id: 'analogy-fill', text: 'New rows and columns' });
  const grid = el('div', {
    class: 'analogy-grid',
    id: 'analogy-grid',
    dataset: { state: 'empty', renders: '0' },
    style: `--cols: ${size}`,
  });
  const explain = el('p', { class: 'hint', id: 'analogy-explain' });
  root.append(
    el(
      'div',
      { class: 'toolbar' },
      el('label', { class: 'field' }, el('span', { text: 'Factor' }), select),
      fill,
      timing,
    ),
    explain,
    el('div', { class: 'grid-scroll' }, grid),
    message,
  );

  const rerender = debounce(() => render(), 30);
  const rows = Array.from({ length: size }, (_, i) => new Slot({ name: `row ${i + 1}`, id: `analogy-row-${i}`, onChange: rerender }));
  const cols = Array.from({ length: size }, (_, j) => new Slot({ name: `column ${j + 1}`, id: `analogy-col-${j}`, onChange: rerender }));
  const cells = [];
  const corner = el('div', { class: 'corner', 'aria-hidden': 'true' });
  grid.append(corner, ...cols.map((s) => s.element));
  for (let i = 0; i < size; i += 1) {
    grid.append(rows[i].element);
    for (let j = 0; j < size; j += 1) {
      const canvas = imageCanvas('img cell', `row ${i + 1}, column ${j + 1}`);
      canvas.dataset.row = String(i);
      canvas.dataset.col = String(j);
      canvas.addEventListener('click', () => {
        const zt = cellZt(i, j);
        if (zt) onExplore(zt, `analogy cell: row ${i + 1}, column ${j + 1}`);
      });
      pickable(canvas, { title: `analogy cell ${i + 1}, ${j + 1}`, canvas, zt: async () => cellZt(i, j), meta: {} });
      cells.push(canvas);
      grid.append(canvas);
    }
  }

  const describe = () => {
    const name = factors[Number(select.value)].name;
    explain.textContent = `Each row gives its ${name}; each column gives everything else. Click a row or column to replace it, then click any image on the page (or drag one onto it).`;
    corner.textContent = `${name} →`;
  };
  select.addEventListener('change', () => {
    describe();
    render();
  });
  fill.addEventListener('click', () => defaults(Date.now() % 1000));
  describe();

  /** z~ of cell (i, j): column j with row i's block of the chosen factor (blocks are contiguous). */
  function cellZt(i, j) {
    if (!rows[i].zt || !cols[j].zt) return null;
    const k = Number(select.value);
    const offset = factors.slice(0, k).reduce((sum, f) => sum + f.size, 0);
    const zt = Float32Array.from(cols[j].zt);
    zt.set(rows[i].zt.subarray(offset, offset + factors[k].size), offset);
    return zt;
  }

  let inFlight = false;
  let again = false;
  async function render() {
    if (!rows.every((s) => s.zt) || !cols.every((s) => s.zt)) return;
    if (inFlight) {
      again = true;
      return;
    }
    inFlight = true;
    try {
      do {
        again = false;
        const k = Number(select.value);
        const r = new Float32Array(size * 64);
        const c = new Float32Array(size * 64);
        rows.forEach((s, i) => r.set(s.zt, i * 64));
        cols.forEach((s, j) => c.set(s.zt, j * 64));
        grid.dataset.state = 'rendering';
        const start = performance.now();
        const result = await session.call('analogy', r, c, k);
        cells.forEach((canvas, index) => {
          drawImage(canvas, result.rgba, index);
          const rgb = [0, 1, 2].map((ch) => result.colours[3 * index + ch]);
          canvas.dataset.digit = String(result.digits[index]);
          canvas.dataset.colour = rgbAttr(...rgb);
          canvas.title = `reads as ${result.digits[index]}; colour ${rgbCss(...rgb)}`;
        });
        const ms = performance.now() - start;
        timings().push({ kind: 'analogy', ms, backend: session.backend, at: performance.now() });
        timing.textContent = `${size}×${size} in ${formatMs(ms)}`;
        grid.dataset.factor = factors[k].name;
        grid.dataset.renders = String(Number(grid.dataset.renders) + 1);
        grid.dataset.state = 'ready';
        message.textContent = '';
        message.classList.remove('error');
      } while (again);
    } catch (error) {
      grid.dataset.state = 'error';
      message.textContent = `Could not render the grid: ${messageOf(error)}`;
      message.classList.add('error');
    } finally {
      inFlight = false;
    }
  }

  /** Rows of distinct digits, columns of distinct digits and well-separated colours. */
  async function defaults(seed = 7) {
    const { labels, colours } = examples;
    const order = permutation(labels.length, seed);
    const pickDistinct = (count, avoid, score) => {
      const chosen = [];
      for (const i of order) {
        if (chosen.length === count) break;
        if (avoid.has(labels[i]) || chosen.some((c) => labels[c] === labels[i])) continue;
        if (score && !score(i, chosen)) continue;
        chosen.push(i);
      }
      return chosen;
    };
    const rowIdx = pickDistinct(size, new Set());
    const far = (i, chosen) =>
      chosen.every((c) => {
        let d = 0;
        for (let ch = 0; ch < 3; ch += 1) d += (colours[3 * i + ch] - colours[3 * c + ch]) ** 2;
        return Math.sqrt(d) > 0.45;
      });
    let colIdx = pickDistinct(size, new Set(rowIdx.map((i) => labels[i])), far);
    if (colIdx.length < size) colIdx = pickDistinct(size, new Set(), null);
    const all = [...rowIdx, ...colIdx];
    const zts = await examples.zts(all);
    const rgba = session.sync('exampleImages', Uint32Array.from(all));
    const fillSlot = (slot, index, k) => {
      const canvas = imageCanvas();
      drawImage(canvas, rgba, k);
      slot.set(examples.item(index, canvas), zts.subarray(k * 64, (k + 1) * 64));
    };
    rowIdx.forEach((index, i) => fillSlot(rows[i], index, i));
    colIdx.forEach((index, j) => fillSlot(cols[j], index, size + j));
  }

  /** A new model: the factor list again (the chosen factor kept by name). */
  function setInfo(next) {
    const chosen = factors[Number(select.value)]?.name;
    factors = next.factors;
    select.replaceChildren(...factorOptions(factors));
    const k = factors.findIndex((f) => f.name === chosen);
    select.value = String(Math.max(0, k));
    describe();
  }

  /** Every z~ the grid holds, for a new model to map. */
  const holders = () =>
    [...rows, ...cols].filter((s) => s.zt).map((s) => ({ zt: s.zt, set: (zt) => s.set(s.item, zt) }));

  return { rows, cols, cells, render, defaults, select, setInfo, holders };
}

/** One <option> per factor, valued by its index. */
export function factorOptions(factors) {
  return factors.map((f, k) => el('option', { value: String(k), text: f.name }));
}
