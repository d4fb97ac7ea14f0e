import { createServer } from 'node:net';

/** A loopback port nothing listens on (fetch refuses some well-known ports outright, so take a real one). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const { port } = server.address() as { port: number };
  await new Promise((closed) => server.close(closed));
  return port;
}
