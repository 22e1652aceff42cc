import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** One process the local stack started. */
export interface StackProcess {
  role:
    | 'edge'
    | 'session'
    | 'orchestrator'
    | 'webhook-dispatcher'
    | 'admin-api'
    | 'redis-primary'
    | 'redis-replica'
    | 'postgres'
    | 'dynamodb';
  pid: number;
  /** Absent for a process that listens on nothing (the webhook dispatcher). */
  port?: number;
  url?: string;
  log?: string;
}

export interface StackState {
  startedAt: string;
  /** The edge's public origin (`http://localhost:<port>`: passkeys need a host name, not an IP). */
  edgeUrl: string;
  processes: StackProcess[];
}

/**
 * The file where `npm run stack` records what it started, so drills, load tests and people can
 * find it: `.authscale/stack.json` under `root`.
 */
export function stackStateFile({ root = process.cwd() }: { root?: string } = {}) {
  const path = join(root, '.authscale', 'stack.json');
  return {
    path,
    write(state: StackState) {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, `${JSON.stringify(state, null, 2)}\n`);
    },
    read(): StackState {
      try {
        return JSON.parse(readFileSync(path, 'utf8')) as StackState;
      } catch (error) {
        throw new Error(`no running stack found at ${path}; start one with \`npm run stack\``, { cause: error });
      }
    },
    remove() {
      rmSync(path, { force: true });
    },
  };
}
