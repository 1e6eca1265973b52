// The page: read the query options, load (with progress, or the reason and a Retry), then wire
// the panels. Each panel is its own small module; all maths is in the wasm engine.
//   ?embed=1        only the image and the sliders (for an <iframe>)
//   ?device=cpu     skip WebGPU
//   ?example=N      start from held-out example N
//   ?bundle=URL     another bundle.json on this origin (relative to www/)
//   ?conceptSteps=N training steps a concept takes by default (300 on WebGPU, 150 on the CPU)
//   #concept=…      a shared concept: its two sketches, name, seed and steps (concept.js)
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
import { mountConcept } from './concept.js';
import { drawImage, imageCanvas } from './draw.js';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const options = {
  embed: params.has('embed') && params.get('embed') !== '0',
  preferCpu: params.get('device') === 'cpu',
  example: Number.parseInt(params.get('example') ?? '', 10),
  bundle: bundleUrl(params.get('bundle')),
  conceptSteps: Number.parseInt(params.get('conceptSteps') ?? '', 10),
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
  const walk = mountWalk($('walk-body'), { session, current, info, onExplore });
  const samples = mountSamples($('samples-body'), { session, onExplore });
  await samples.draw();
  const embeddings = await mountEmbeddings($('embeddings-body'), { session, current, info });

  // A new model (a concept learned or imported): the flow changed, so every z~ the page holds is
  // mapped to it in the same engine call, and every factor list is made again.
  const changeModel = (install) => {
    const holders = [
      ...(current.zt ? [{ zt: current.zt, set: (zt) => current.set(zt, { origin: 'model' }) }] : []),
      ...(current.base ? [{ zt: current.base, set: (zt) => (current.base = Float32Array.from(zt)) }] : []),
      ...analogy.holders(),
      ...interp.holders(),
      ...walk.holders(),
    ];
    const zt = new Float32Array(holders.length * 64);
    holders.forEach((h, k) => zt.set(h.zt, k * 64));
    return session.changeModel(install, zt).then((next) => {
      window.__iin.info = next;
      examples.forget();
      explore.setInfo(next);
      analogy.setInfo(next);
      walk.setInfo(next);
      holders.forEach((h, k) => h.set(next.zt.subarray(k * 64, (k + 1) * 64)));
      // After the current image's render: the embeddings take longer (every example again).
      embeddings.refresh(next).catch(report);
      samples.draw();
      return next;
    });
  };
  const concept = mountConcept($('concept-body'), {
    session,
    changeModel,
    steps: options.conceptSteps,
  });
  window.__iin.concept = concept;
  loadSharedConcept(concept);
  window.addEventListener('hashchange', () => loadSharedConcept(concept));
  document.body.dataset.panels = 'ready';
}

/** A #concept=… link fills the concept panel (nothing starts); a malformed one is ignored, said. */
function loadSharedConcept(concept) {
  const hash = new URLSearchParams(location.hash.slice(1));
  if (!hash.has('concept')) return;
  try {
    concept.loadShared(hash.get('concept'));
  } catch (error) {
    report(`The concept in this link (#concept=…) could not be read: ${messageOf(error)}. It was ignored.`);
    $('device-notice').dataset.kind = 'link';
  }
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
