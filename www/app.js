// Page wiring: wait for trunk's loader, create the engine (device choice happens in Rust), run
// the round trip once cold and once warm, and rerun on demand. All maths lives in the wasm.
import * as view from './view.js';

/** The wasm-bindgen exports, once trunk's loader has instantiated the module. */
function wasmReady() {
  if (window.wasmBindings) return Promise.resolve(window.wasmBindings);
  return new Promise((resolve) => {
    window.addEventListener('TrunkApplicationStarted', () => resolve(window.wasmBindings), {
      once: true,
    });
  });
}

async function roundTrip(engine, batch) {
  view.setState('running');
  const result = await engine.roundTrip(batch);
  try {
    return {
      batch: result.batch,
      dim: result.dim,
      maxAbsError: result.maxAbsError,
      maxLogDetError: result.maxLogDetError,
      elapsedMs: result.elapsedMs,
    };
  } finally {
    result.free();
  }
}

async function main() {
  const { Engine } = await wasmReady();
  view.setStatus('Choosing a compute device…');
  const engine = await Engine.create();
  view.showDevice(engine);

  const batch = view.selectedBatch();
  view.setStatus(
    engine.backend === 'webgpu'
      ? 'Running the flow (the first WebGPU run compiles its shaders)…'
      : 'Running the flow…',
  );
  const cold = await roundTrip(engine, batch);
  const warm = await roundTrip(engine, batch);
  view.showResult(warm, cold.elapsedMs);
  view.setStatus('Done. Pick a batch size and run again.');
  view.setState('done');

  view.onRun(async (size) => {
    view.setStatus(`Running a batch of ${size}…`);
    const result = await roundTrip(engine, size);
    view.showResult(result, cold.elapsedMs);
    view.setStatus('Done.');
    view.setState('done');
  }, fail);
}

function fail(error) {
  const message = error instanceof Error ? error.message : String(error);
  view.showError(message);
  console.error('iin:', error);
}

main().catch(fail);
