// A tiny static server for the browser tests and the bench: serves one folder (dist/) at one or
// more URL prefixes ('/' and '/sub/iin/'), with plain headers (Content-Type, Content-Length, no
// CORS, no COOP/COEP: the page must need nothing special), and records what it served.
// As a program: node tests/browser/serve.mjs DIR [PORT] [PREFIX]
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

// Chromium for the browser tests and the bench (TOOLCHAIN.md): no background traffic, no QUIC,
// no first-run UI; WebGPU through SwiftShader needs --enable-unsafe-webgpu and playwright's
// default --disable-gpu removed; without them there is no adapter (the CPU fallback).
export const BASE_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
export const DEVICE_FLAGS = {
  webgpu: { args: ['--enable-unsafe-webgpu'], ignoreDefaultArgs: ['--disable-gpu'] },
  cpu: { args: [], ignoreDefaultArgs: [] },
};

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.txt': 'text/plain; charset=utf-8',
  '.bin': 'application/octet-stream',
};

/** Starts serving; resolves to { origin, served: [{ path, file, bytes }], close() }. */
export function serve({ root, prefixes = ['/'], port = 0, host = '127.0.0.1' }) {
  const base = resolve(root);
  const served = [];
  const server = createServer(async (request, response) => {
    const url = new URL(request.url, 'http://x');
    const prefix = prefixes.find((p) => url.pathname.startsWith(p));
    let path = prefix === undefined ? null : decodeURIComponent(url.pathname.slice(prefix.length));
    if (path !== null && (path === '' || path.endsWith('/'))) path += 'index.html';
    const file = path === null ? null : normalize(join(base, path));
    if (!file || (file !== base && !file.startsWith(base + sep))) {
      response.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    try {
      if (!(await stat(file)).isFile()) throw new Error('not a file');
      const body = await readFile(file);
      served.push({ path: url.pathname, file, bytes: body.length });
      response.writeHead(200, {
        'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
        'Content-Length': body.length,
        'Cache-Control': 'no-store',
      });
      response.end(request.method === 'HEAD' ? undefined : body);
    } catch {
      response.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
    }
  });
  return new Promise((resolvePromise, reject) => {
    server.on('error', reject);
    server.listen(port, host, () => {
      const origin = `http://${host}:${server.address().port}`;
      resolvePromise({ origin, served, close: () => new Promise((r) => server.close(r)), server });
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [dir = 'dist', port = '8080', prefix = '/'] = process.argv.slice(2);
  const { origin } = await serve({ root: dir, port: Number(port), prefixes: [prefix] });
  console.log(`serving ${dir} at ${origin}${prefix}`);
}
