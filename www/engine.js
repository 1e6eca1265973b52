// The wasm engine behind one small JS object (a Session): loading the module and the model bundle
// with progress, one queue for the engine's async calls, and the fall back from a lost WebGPU
// device to the CPU that keeps whatever the page holds (z~ lives in JS). All maths is in the wasm.

/** Where the page's own files live: this module sits in www/, the built page one level up. */
const WWW = new URL('./', import.meta.url);
export const DEFAULT_BUNDLE = new URL('assets/bundle.json', WWW).href;

/**
 * The wasm-bindgen exports. On index.html trunk's loader instantiates the module and fires
 * `TrunkApplicationStarted`; elsewhere (the ES-module API on another page of the same site) the
 * loader's glue is found by reading the built index.html, whose name carries a content hash.
 */
export async function wasmBindings({ timeoutMs = 120_000 } = {}) {
  if (window.wasmBindings) return window.wasmBindings;
  // index.html runs www/boot.js first; any other page imports the glue itself.
  if (!window.__iinBoot) return importGlue();
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      window.removeEventListener('TrunkApplicationStarted', started);
      window.removeEventListener('iin:boot-error', failed);
      window.removeEventListener('iin:wasm-progress', progress);
      clearTimeout(timer);
    };
    const started = () => {
      cleanup();
      resolve(window.wasmBindings);
    };
    const failed = (event) => {
      cleanup();
      reject(new Error(`the WebAssembly module did not start: ${event.detail}`));
    };
    const progress = (event) => {
      if (event.detail?.error) {
        cleanup();
        reject(new Error(`the WebAssembly module could not be fetched: ${event.detail.error}`));
      }
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`the WebAssembly module did not start within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    window.addEventListener('TrunkApplicationStarted', started);
    window.addEventListener('iin:boot-error', failed);
    window.addEventListener('iin:wasm-progress', progress);
    if (window.__iinBoot?.errors.length) failed({ detail: window.__iinBoot.errors[0] });
    if (window.__iinBoot?.wasm.error) progress({ detail: window.__iinBoot.wasm });
  });
}

async function importGlue() {
  const indexUrl = new URL('../index.html', WWW);
  const response = await fetch(indexUrl);
  if (!response.ok) throw new Error(`cannot read ${indexUrl} to find the wasm: HTTP ${response.status}`);
  const html = await response.text();
  const glue = html.match(/from\s+'\.\/([\w.-]+\.js)'/);
  if (!glue) throw new Error(`${indexUrl} does not name trunk's wasm loader`);
  const bindings = await import(new URL(glue[1], indexUrl).href);
  // The glue's own default path names the wasm without trunk's content hash: take the loader's.
  const wasm = html.match(/module_or_path:\s*'\.\/([\w.-]+\.wasm)'/)?.[1] ?? glue[1].replace(/\.js$/, '_bg.wasm');
  await bindings.default({ module_or_path: new URL(wasm, indexUrl).href });
  window.wasmBindings = bindings;
  return bindings;
}

/** A response's body as bytes, calling `onBytes(loaded, total)` as they arrive. */
export async function fetchBytes(url, onBytes = () => {}) {
  let response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new Error(`cannot fetch ${url}: ${error.message}`);
  }
  if (!response.ok) throw new Error(`cannot fetch ${url}: HTTP ${response.status} ${response.statusText}`);
  const total = Number(response.headers.get('Content-Length')) || 0;
  if (!response.body) {
    const bytes = new Uint8Array(await response.arrayBuffer());
    onBytes(bytes.length, total || bytes.length);
    return bytes;
  }
  const reader = response.body.getReader();
  const chunks = [];
  let loaded = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.byteLength;
    onBytes(loaded, total);
  }
  const bytes = new Uint8Array(loaded);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/**
 * The manifest and every file it names, fetched from the manifest's folder.
 * `onProgress({ loaded, total, file })` in bytes over all files (total is 0 while unknown).
 */
export async function fetchBundle(Engine, bundleUrl = DEFAULT_BUNDLE, onProgress = () => {}) {
  const manifestBytes = await fetchBytes(bundleUrl);
  const manifest = new TextDecoder().decode(manifestBytes);
  let names;
  try {
    names = Array.from(Engine.bundleFiles(manifest));
  } catch (error) {
    throw new Error(`the bundle manifest ${bundleUrl} is not usable: ${messageOf(error)}`);
  }
  const loaded = new Map();
  const totals = new Map();
  const report = (file) => {
    let sum = 0;
    let total = 0;
    for (const name of names) {
      sum += loaded.get(name) ?? 0;
      total += totals.get(name) ?? 0;
    }
    onProgress({ loaded: sum, total: totals.size === names.length ? total : 0, file });
  };
  const entries = await Promise.all(
    names.map(async (name) => {
      const bytes = await fetchBytes(new URL(name, bundleUrl).href, (got, total) => {
        loaded.set(name, got);
        if (total) totals.set(name, total);
        report(name);
      });
      totals.set(name, bytes.length);
      return [name, bytes];
    }),
  );
  report(null);
  return { manifest, files: Object.fromEntries(entries) };
}

export function messageOf(error) {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  try {
    return JSON.stringify(error);
  } catch {
    return String(error);
  }
}

class DeviceLost extends Error {}

/**
 * One engine, its model, and a serial queue for its async calls. When the WebGPU device is lost
 * (the browser's `lost` promise, or a WebGPU call that fails for a reason that is not the
 * caller's input) the session creates a CPU engine, loads the same bytes, and reruns the call.
 */
export class Session extends EventTarget {
  static async open({ bindings, preferCpu = false, bundle, onStatus = () => {} }) {
    const session = new Session(bindings, bundle);
    onStatus(preferCpu ? 'Starting the CPU engine…' : 'Choosing a compute device…');
    session.engine = await bindings.Engine.create(preferCpu);
    onStatus(`Loading the model on ${session.engine.deviceLabel}…`);
    session.info = await session.engine.load(bundle.manifest, bundle.files);
    session.watchDevice();
    return session;
  }

  constructor(bindings, bundle) {
    super();
    this.bindings = bindings;
    this.bundle = bundle;
    this.engine = null;
    this.info = null;
    this.tail = Promise.resolve();
    this.fallingBack = null;
    this.fallbackReason = '';
    this.embedded = false;
    /** The concept file of the model in use (exportConcept), so a CPU fallback can load it too. */
    this.conceptFile = null;
    this.lostReject = null;
    this.lost = new Promise((_, reject) => {
      this.lostReject = reject;
    });
    this.lost.catch(() => {});
  }

  get backend() {
    return this.engine.backend;
  }

  get deviceLabel() {
    return this.engine.deviceLabel;
  }

  get reason() {
    return this.fallbackReason || this.engine.reason;
  }

  watchDevice() {
    if (this.engine.backend !== 'webgpu') return;
    window.addEventListener('iin:gpu-lost', (event) => {
      const why = event.detail?.message || event.detail?.reason || 'no reason given';
      this.lostReject?.(new DeviceLost(`the WebGPU device was lost (${why})`));
      // Move now, not at the next call, so the badge tells the truth at once.
      this.fallBack(`the WebGPU device was lost (${why})`).catch((error) =>
        this.dispatchEvent(new CustomEvent('error', { detail: { message: messageOf(error) } })),
      );
    });
  }

  /** Runs `engine[method](...args)` after every call queued before it. */
  call(method, ...args) {
    const run = () => this.run(method, args);
    const result = this.tail.then(run, run);
    this.tail = result.catch(() => {});
    return result;
  }

  /** A synchronous engine method (pure maths on small arrays, or reads of loaded data). */
  sync(method, ...args) {
    return this.engine[method](...args);
  }

  async run(method, args) {
    if (this.fallingBack) await this.fallingBack;
    const engine = this.engine;
    try {
      const result =
        engine.backend !== 'webgpu'
          ? await engine[method](...args)
          : await Promise.race([engine[method](...args), this.lost]);
      if (method === 'embeddings') this.embedded = true;
      return result;
    } catch (error) {
      if (engine.backend !== 'webgpu' || !looksLikeDeviceFailure(error)) throw asError(error);
      await this.fallBack(messageOf(error));
      return this.engine[method](...args);
    }
  }

  fallBack(why) {
    if (this.engine.backend === 'cpu') return Promise.resolve();
    if (!this.fallingBack) {
      this.fallingBack = (async () => {
        console.warn(`iin: WebGPU failed (${why}); falling back to the CPU`);
        const cpu = await this.bindings.Engine.create(true);
        await cpu.load(this.bundle.manifest, this.bundle.files);
        // A learned or imported concept comes along through its file (its weights are stored
        // in int8, so the image may move by a rounding step); a concept being learned is lost.
        if (this.conceptFile) {
          try {
            this.info = await cpu.importConcept(this.conceptFile, new Float32Array());
          } catch (error) {
            this.conceptFile = null;
            why += `; the concept could not be moved (${messageOf(error)})`;
          }
        }
        // embedPoint needs the examples' embeddings computed on the engine it runs on.
        if (this.embedded) await cpu.embeddings();
        this.engine = cpu;
        this.fallbackReason = `WebGPU failed (${why}); now on the CPU`;
        this.dispatchEvent(new CustomEvent('device', { detail: { reason: this.fallbackReason } }));
      })();
      this.fallingBack.finally(() => {
        this.fallingBack = null;
      });
    }
    return this.fallingBack;
  }

  /**
   * Installs a new model through `install(zt)` (finishConcept or importConcept), which maps the
   * z~ the page holds (`zt`, k×64) to the new flow; keeps its concept file for a fallback.
   */
  async changeModel(install, zt) {
    const info = await install(zt);
    this.info = info;
    try {
      this.conceptFile = this.engine.exportConcept();
    } catch (error) {
      console.warn('iin: the concept could not be kept for a fallback:', messageOf(error));
    }
    return info;
  }

  /** For tests and for people: destroy the WebGPU device the engine runs on. */
  loseDevice() {
    const devices = window.__iinBoot?.gpuDevices ?? [];
    for (const device of devices) device.destroy();
    return devices.length;
  }
}

/** Errors from the caller's input (an empty sketch, a wrong length) never trigger the fallback. */
function looksLikeDeviceFailure(error) {
  if (error instanceof DeviceLost) return true;
  if (error instanceof WebAssembly.RuntimeError) return true;
  const message = messageOf(error);
  return /\b(lost|device|gpu|wgpu|webgpu|adapter|buffer|map_async|mapAsync|validation|out of memory|unreachable)\b/i.test(
    message,
  );
}

function asError(error) {
  return error instanceof Error ? error : new Error(messageOf(error));
}

/**
 * The whole start: the wasm module (trunk's loader, or the glue imported here), the bundle, and
 * the engine on its device. `onProgress({ stage: 'wasm' | 'model', loaded, total })` in bytes.
 */
export async function loadSession({
  preferCpu = false,
  bundleUrl = DEFAULT_BUNDLE,
  onProgress = () => {},
  onStatus = () => {},
} = {}) {
  const onWasm = (event) => onProgress({ stage: 'wasm', loaded: event.detail.loaded, total: event.detail.total });
  window.addEventListener('iin:wasm-progress', onWasm);
  if (window.__iinBoot) onWasm({ detail: window.__iinBoot.wasm });
  onStatus('Loading the WebAssembly module…');
  let bindings;
  try {
    bindings = await wasmBindings();
  } finally {
    window.removeEventListener('iin:wasm-progress', onWasm);
  }
  onStatus('Loading the model…');
  const bundle = await fetchBundle(bindings.Engine, bundleUrl, (p) => onProgress({ stage: 'model', ...p }));
  return Session.open({ bindings, preferCpu, bundle, onStatus });
}

/** The examples in the bundle: labels, colours, and their z~ (encoded on demand, cached). */
export function examplesOf(session) {
  const labels = session.sync('exampleLabels');
  const colours = session.sync('exampleColours');
  const cache = new Map();
  const examples = {
    labels,
    colours,
    async zts(indices) {
      const missing = [...new Set(indices.filter((i) => !cache.has(i)))];
      if (missing.length) {
        const zt = await session.call('encodeExamples', Uint32Array.from(missing));
        missing.forEach((index, k) => cache.set(index, zt.slice(k * 64, (k + 1) * 64)));
      }
      const out = new Float32Array(indices.length * 64);
      indices.forEach((index, k) => out.set(cache.get(index), k * 64));
      return out;
    },
    async zt(index) {
      return (await examples.zts([index])).slice(0, 64);
    },
    /** A new flow: every cached z~ is stale. */
    forget() {
      cache.clear();
    },
  };
  return examples;
}

/** Bytes as "1.2 MB". */
export function formatBytes(bytes) {
  if (!bytes) return '0 B';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} kB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
