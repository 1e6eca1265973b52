// The page: read the query options, load (with progress, or the reason and a Retry), then wire
// the panels. Each panel is its own small module; all maths is in the wasm engine.
//   ?embed=1        only the image and the sliders (for an <iframe>)
//   ?device=cpu     skip WebGPU
//   ?example=N      start from held-out example N
//   ?bundle=URL     another bundle.json on this origin (relative to www/)
import { DEFAULT_BUNDLE, examplesOf, messageOf } from './engine.js';
import { createIIN, startWithRetry } from './iin.js';
import { loadingView } from './progress.js';
import { Current } from './store.js';
import { mountExplore } from './explore.js';
import { exampleItem, mountGallery } from './gallery.js';
import { mountSketch } from './sketch.js';
import { mountEmbeddings } from './embeddings.js';
import { mountAnalogy } from './analogy.js';
import { mountInterpolation, mountSamples, mountWalk } from './motion.js';
import { mountExplain } from './explain.js';
import { drawImage, imageCanvas } from './draw.js';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const options = {
  embed: params.has('embed') && params.get('embed') !== '0',
  preferCpu: params.get('device') === 'cpu',
  example: Number.parseInt(params.get('example') ?? '', 10),
  bundle: bundleUrl(params.get('bundle')),
};

function bundleUrl(value) {
  if (!value) return DEFAULT_BUNDLE;
  const url = new URL(value, DEFAULT_BUNDLE);
  return url.origin === location.origin ? url.href : DEFAULT_BUNDLE;
}

function showDevice(session) {
  const badge = $('device-badge');
  badge.textContent = session.backend === 'webgpu' ? 'WebGPU' : 'CPU';
  badge.className = `badge ${session.backend}`;
  badge.hidden = false;
  badge.title = session.reason;
  $('device-label').textContent = session.deviceLabel;
  $('device-reason').textContent = session.reason;
  document.body.dataset.backend = session.backend;
}

async function whenRendered(canvas) {
  while (Number(canvas.dataset.renders) === 0) await new Promise((r) => setTimeout(r, 16));
}

async function embedMode() {
  document.body.dataset.mode = 'embed';
  const root = $('embed-root');
  root.hidden = false;
  const iin = await createIIN(root, {
    device: options.preferCpu ? 'cpu' : 'auto',
    example: Number.isFinite(options.example) ? options.example : 0,
    bundle: options.bundle,
    stylesheet: false,
  });
  document.body.dataset.backend = iin.backend;
  iin.session.addEventListener('device', () => (document.body.dataset.backend = iin.backend));
  window.__iin = { session: iin.session, current: iin.current, explore: iin.explore };
  await whenRendered(iin.explore.canvas);
  document.body.dataset.state = 'ready';
}

async function fullPage() {
  const loading = loadingView($('loading'));
  const session = await startWithRetry(loading, { preferCpu: options.preferCpu, bundleUrl: options.bundle });
  loading.done();
  $('loading').hidden = true;
  showDevice(session);
  session.addEventListener('device', () => {
    showDevice(session);
    const notice = $('device-notice');
    notice.textContent = 'WebGPU stopped working, so the page moved to the CPU. The image and its factors are kept.';
    notice.hidden = false;
    explore.render();
  });

  const info = session.info;
  const current = new Current();
  const examples = examplesOf(session);
  examples.item = (index, canvas) => exampleItem(examples, index, canvas);
  const explore = mountExplore($('explore-body'), { session, current, info });
  window.__iin = { session, current, explore, examples, info };
  document.querySelector('main').hidden = false;

  const pick = async (index) => {
    const zt = await examples.zt(index);
    current.set(zt, { source: `Example ${index} · digit ${examples.labels[index]}`, origin: 'pick', base: true });
  };
  const onExplore = (zt, source) => {
    current.set(zt, { source, origin: 'pick', base: true });
    $('explore').scrollIntoView?.({ behavior: 'smooth', block: 'nearest' });
  };
  const first = Number.isFinite(options.example) ? options.example : 0;
  await pick(Math.min(Math.max(0, first), examples.labels.length - 1));

  mountGallery($('gallery-body'), { session, examples, onPick: (index) => pick(index).catch(report) });
  mountSketch($('sketch-body'), {
    session,
    onEncoded: (zt) => current.set(zt, { source: 'Your sketch', origin: 'sketch', base: true }),
  });
  await whenRendered(explore.canvas);
  document.body.dataset.state = 'ready';

  // The rest fills in behind the first image, in the order a reader meets it.
  mountExplain($('explain-body'), { session, current, info });
  const analogy = mountAnalogy($('analogy-body'), { session, info, examples, onExplore });
  await analogy.defaults();
  const interp = mountInterpolation($('interp-body'), { session, onExplore });
  const [a, b] = [analogy.rows[0].item.meta.example, analogy.cols[1].item.meta.example];
  for (const [slot, index] of [[interp.a, a], [interp.b, b]]) {
    const canvas = imageCanvas();
    drawImage(canvas, session.sync('exampleImages', Uint32Array.of(index)));
    slot.set(examples.item(index, canvas), await examples.zt(index));
  }
  mountWalk($('walk-body'), { session, current, info, onExplore });
  await mountSamples($('samples-body'), { session, onExplore }).draw();
  await mountEmbeddings($('embeddings-body'), { session, current, info });
  document.body.dataset.panels = 'ready';
}

function report(error) {
  const message = messageOf(error);
  console.warn('iin:', message);
  const notice = $('device-notice');
  notice.textContent = message;
  notice.hidden = false;
}

(options.embed ? embedMode() : fullPage()).catch((error) => {
  document.body.dataset.state = 'error';
  const box = $('fatal');
  box.textContent = `Something went wrong: ${messageOf(error)}`;
  box.hidden = false;
  console.error('iin:', error);
});
