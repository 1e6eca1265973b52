// The ES-module entry: put an iin explorer (the image and one slider per factor) into any element
// of a page on the same site.
//
//   <link rel="stylesheet" href="/iin/www/style.css">
//   <div id="digit"></div>
//   <script type="module">
//     import { createIIN } from '/iin/www/iin.js';
//     const iin = await createIIN(document.getElementById('digit'), { example: 3 });
//     iin.setFactor('colour', 2.0);
//   </script>
//
// Options: device ('auto' | 'cpu'), example (index of a held-out digit), bundle (URL of a
// bundle.json on the same origin), previews (slider end previews, default true).
// The returned object: info, backend, getZt(), setZt(zt), setExample(i), setFactor(name, t),
// render(), on(type, fn) ('change' events of the current image), session (the engine's queue).
import { examplesOf, loadSession, messageOf, DEFAULT_BUNDLE } from './engine.js';
import { mountExplore } from './explore.js';
import { loadingView } from './progress.js';
import { Current } from './store.js';

export { loadSession } from './engine.js';

/** Loads until it works: a failure shows its reason and waits for Retry. */
export async function startWithRetry(loading, { preferCpu, bundleUrl }) {
  for (;;) {
    try {
      loading.reset();
      return await loadSession({
        preferCpu,
        bundleUrl,
        onProgress: (p) => loading.progress(p),
        onStatus: (text) => loading.status(text),
      });
    } catch (error) {
      const message = messageOf(error);
      console.warn('iin: loading failed:', message);
      loading.fail(`Could not load: ${message}`);
      document.body.dataset.state = 'error';
      await new Promise((resolve) => loading.retry.addEventListener('click', resolve, { once: true }));
      if (!window.wasmBindings && /WebAssembly/.test(message)) location.reload();
    }
  }
}

export async function createIIN(container, options = {}) {
  const { device = 'auto', example = 0, bundle = DEFAULT_BUNDLE, previews = true, stylesheet = true } = options;
  if (stylesheet && !document.querySelector('link[data-iin-style]')) {
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = new URL('style.css', import.meta.url).href;
    link.dataset.iinStyle = '';
    if (![...document.styleSheets].some((s) => s.href === link.href)) document.head.append(link);
  }
  container.classList.add('iin-widget');
  const loading = loadingView(container, { idPrefix: container.id ? `${container.id}-` : '' });
  const session = await startWithRetry(loading, { preferCpu: device === 'cpu', bundleUrl: bundle });
  loading.done();
  const info = session.info;
  const current = new Current();
  const badge = document.createElement('p');
  badge.className = 'widget-device';
  const showDevice = () => {
    badge.textContent = session.deviceLabel;
    badge.title = session.reason;
    container.dataset.backend = session.backend;
  };
  showDevice();
  session.addEventListener('device', showDevice);
  const explore = mountExplore(container, { session, current, info, previews });
  container.append(badge);
  const examples = examplesOf(session);

  const api = {
    info,
    session,
    current,
    explore,
    get backend() {
      return session.backend;
    },
    getZt: () => Float32Array.from(current.zt),
    setZt(zt, source = 'set by the host page') {
      current.set(zt, { source, origin: 'api', base: true });
    },
    async setExample(index) {
      const labels = examples.labels;
      if (!(index >= 0 && index < labels.length)) throw new Error(`example ${index} is out of range (0..${labels.length - 1})`);
      current.set(await examples.zt(index), { source: `example ${index} · digit ${labels[index]}`, origin: 'pick', base: true });
    },
    setFactor(name, t) {
      const slider = explore.slider(name);
      if (!slider) throw new Error(`no factor named ${name}`);
      slider.input.value = String(t);
      current.set(session.sync('setHandle', current.zt, slider.index, t), { origin: 'api' });
    },
    render: () => explore.render(),
    on(type, fn) {
      current.addEventListener(type, fn);
    },
  };
  await api.setExample(Math.min(Math.max(0, example | 0), examples.labels.length - 1));
  // Resolve once the first image is on screen (a WebGPU start can take seconds).
  while (Number(explore.canvas.dataset.renders) === 0) await new Promise((r) => setTimeout(r, 16));
  return api;
}
