import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';

export interface DynamoDbEmulator {
  /** Endpoint for `new DynamoDBClient({ endpoint })`. */
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

/** Starts the `dynalite` DynamoDB API emulator in this process, in memory, on a free port. */
export async function startDynamoDb(): Promise<DynamoDbEmulator> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
