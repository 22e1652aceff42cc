import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** One process the local stack started. */
export interface StackProcess {
  role: 'edge' | 'session' | 'orchestrator' | 'redis-primary' | 'redis-replica' | 'postgres' | 'dynamodb';
  pid: number;
  port: number;
  url?: string;
  log?: string;
}

export interface StackState {
  startedAt: string;
  /** The edge's public origin (`http://localhost:<port>`: passkeys need a host name, not an IP). */
  edgeUrl: string;
  processes: StackProcess[];
}

/** Where `npm run stack` records what it started, so drills, load tests and people can find it. */
export const stateFilePath = join(process.cwd(), '.authscale', 'stack.json');

export function writeState(state: StackState) {
  mkdirSync(dirname(stateFilePath), { recursive: true });
  writeFileSync(stateFilePath, `${JSON.stringify(state, null, 2)}\n`);
}

export function readState(): StackState {
  try {
    return JSON.parse(readFileSync(stateFilePath, 'utf8')) as StackState;
  } catch (error) {
    throw new Error(`no running stack found at ${stateFilePath}; start one with \`npm run stack\``, { cause: error });
  }
}

export function removeState() {
  rmSync(stateFilePath, { force: true });
}
