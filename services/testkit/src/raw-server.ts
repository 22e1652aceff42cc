import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';

export interface RawServer {
  port: number;
  /** `http://127.0.0.1:<port>`, for clients that want a URL. */
  url: string;
  /** Stops listening and destroys every socket still open. */
  close(): Promise<void>;
}

/**
 * A loopback TCP server that hands every connection to `onConnection`: the way tests make a
 * dependency that never answers, resets, stalls or speaks something that is not its protocol.
 */
export async function startRawServer(onConnection: (socket: Socket) => void): Promise<RawServer> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    onConnection(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** What `work` rejects with; fails the test if it resolves. */
export async function rejectionOf(work: Promise<unknown>): Promise<unknown> {
  try {
    await work;
  } catch (error) {
    return error;
  }
  assert.fail('expected a rejection');
}
