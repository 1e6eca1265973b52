// Runs first (a classic script in <head>, before trunk's loader module), and does two things the
// modules cannot do later:
//  1. counts the bytes of the WebAssembly download as trunk's loader fetches it, so the page can
//     show a real progress bar (window.__iinBoot.wasm = { loaded, total, done, error });
//  2. remembers every WebGPU device the page creates, so a lost device can be noticed at once
//     (window.__iinBoot.gpuDevices; each device's `lost` promise fires 'iin:gpu-lost').
// No maths here, no network of its own.
(function () {
  'use strict';
  var boot = (window.__iinBoot = {
    wasm: { loaded: 0, total: 0, done: false, error: null },
    gpuDevices: [],
    errors: [],
  });

  function emit(name, detail) {
    window.dispatchEvent(new CustomEvent(name, { detail: detail }));
  }

  var realFetch = window.fetch.bind(window);
  window.fetch = function (input, init) {
    var url = typeof input === 'string' ? input : input && input.url ? input.url : String(input);
    var promise = realFetch(input, init);
    if (!/\.wasm(\?|#|$)/.test(url)) return promise;
    return promise.then(
      function (response) {
        if (!response.ok) {
          boot.wasm.error = 'HTTP ' + response.status + ' for ' + url;
          emit('iin:wasm-progress', boot.wasm);
          return response;
        }
        if (!response.body || typeof ReadableStream === 'undefined') return response;
        boot.wasm.total = Number(response.headers.get('Content-Length')) || 0;
        var reader = response.body.getReader();
        var stream = new ReadableStream({
          pull: function (controller) {
            return reader.read().then(function (chunk) {
              if (chunk.done) {
                boot.wasm.done = true;
                emit('iin:wasm-progress', boot.wasm);
                controller.close();
                return;
              }
              boot.wasm.loaded += chunk.value.byteLength;
              emit('iin:wasm-progress', boot.wasm);
              controller.enqueue(chunk.value);
            });
          },
          cancel: function (why) {
            return reader.cancel(why);
          },
        });
        return new Response(stream, {
          status: response.status,
          statusText: response.statusText,
          headers: response.headers,
        });
      },
      function (error) {
        boot.wasm.error = String(error && error.message ? error.message : error);
        emit('iin:wasm-progress', boot.wasm);
        throw error;
      },
    );
  };

  // trunk's loader is a module: if it fails (a missing or broken wasm), the error lands here.
  window.addEventListener('error', function (event) {
    boot.errors.push(event.message || String(event.error));
    emit('iin:boot-error', event.message || String(event.error));
  });

  if (window.GPUAdapter && window.GPUAdapter.prototype.requestDevice) {
    var requestDevice = window.GPUAdapter.prototype.requestDevice;
    window.GPUAdapter.prototype.requestDevice = function () {
      return requestDevice.apply(this, arguments).then(function (device) {
        boot.gpuDevices.push(device);
        device.lost.then(function (info) {
          emit('iin:gpu-lost', { reason: info && info.reason, message: info && info.message });
        });
        return device;
      });
    };
  }
})();
