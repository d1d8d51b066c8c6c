import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpWorkloadReadiness } from '../../lib/aws/http/health-check';

/** A real HTTP server: the adapter is judged on what it does over the wire. */
let server: Server;
let base: string;
let answer: { status: number; delayMs: number } = { status: 200, delayMs: 0 };

beforeAll(async () => {
  server = createServer((_req, res) => {
    setTimeout(() => {
      res.statusCode = answer.status;
      res.end('ok');
    }, answer.delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const check = (timeoutMs = 2000) =>
  new HttpWorkloadReadiness({ timeoutMs }).check({ clusterName: 'g', url: `${base}/healthz` });

test('2xx is ready, with the status in the detail', async () => {
  answer = { status: 204, delayMs: 0 };
  await expect(check()).resolves.toEqual({ ready: true, detail: `GET ${base}/healthz: HTTP 204` });
});

test('5xx, a redirect and a timeout are not ready yet, each saying why', async () => {
  answer = { status: 503, delayMs: 0 };
  await expect(check()).resolves.toEqual({ ready: false, detail: `GET ${base}/healthz: HTTP 503` });
  answer = { status: 302, delayMs: 0 };
  await expect(check()).resolves.toMatchObject({ ready: false });
  answer = { status: 200, delayMs: 500 };
  const slow = await check(50);
  expect(slow.ready).toBe(false);
  expect(slow.detail).toContain('TimeoutError');
});

test('a refused connection is not ready', async () => {
  const r = await new HttpWorkloadReadiness({ timeoutMs: 1000 }).check({
    clusterName: 'g',
    url: 'http://127.0.0.1:1/healthz',
  });
  expect(r.ready).toBe(false);
  expect(r.detail).toContain('GET http://127.0.0.1:1/healthz: ');
});
