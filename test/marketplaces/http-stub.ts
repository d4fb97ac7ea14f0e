import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  method: string;
  /** The raw request target, exactly as sent (percent-encoding intact). */
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

export type StubHandler = (req: SeenRequest, res: ServerResponse) => void | Promise<void>;

/** A loopback HTTP server on port 0 whose answers a test scripts request by request. */
export async function startStub(handler: StubHandler) {
  const seen: SeenRequest[] = [];
  let current = handler;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: SeenRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) };
      seen.push(r);
      void current(r, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    setHandler(h: StubHandler) {
      current = h;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export function send(res: ServerResponse, status: number, body: Buffer | string, contentType = 'text/xml;charset=UTF-8') {
  res.writeHead(status, { 'content-type': contentType });
  res.end(body);
}
