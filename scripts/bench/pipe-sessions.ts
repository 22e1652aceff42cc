import { spawn } from 'node:child_process';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { NewSession, SessionRecord, SessionStore } from '@authscale/session';
import { createSessions } from '@authscale/session';
import { findBinary, type RedisClusterServer } from '@authscale/testkit';
import { userKey } from '../../services/session/src/redis/session-keys.ts';
import { packSession } from '../../services/session/src/redis/session-value.ts';
import { keySlot, slotOwners } from './cluster-slots.ts';

const resp = (args: string[]) =>
  `*${args.length}\r\n${args.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`).join('')}`;

/**
 * The commands the session store's create script runs for a new user's first session (HSET of
 * the packed record under its sid, PEXPIREAT at its idle expiry), as RESP: the same key and bytes,
 * without a Lua call per session.
 */
function createCommands(prefix: string, record: SessionRecord): { slot: number; payload: string } {
  const key = userKey(prefix, record.userId);
  return {
    slot: keySlot(key),
    payload:
      resp(['HSET', key, record.sid, packSession(record)]) +
      resp(['PEXPIREAT', key, String(Math.min(record.idleExpiresAt, record.absoluteExpiresAt))]),
  };
}

/** A store that only captures what `createSessions` would write, so records are built by the real code. */
function capturingStore(): SessionStore & { last: SessionRecord | null } {
  const unused = () => Promise.reject(new Error('not part of the fill'));
  return {
    backend: 'memory',
    last: null,
    async create(record) {
      this.last = record;
    },
    get: unused,
    touch: unused,
    revoke: unused,
    revokeAll: unused,
    purgeUser: unused,
    footprint: unused,
    listForUser: unused,
    ping: unused,
    close: async () => {},
  } as SessionStore & { last: SessionRecord | null };
}

/**
 * Writes `count` sessions built by `createSessions` straight to each primary with
 * `redis-cli --pipe`, calling `onToken` with each session's token.
 */
export async function pipeSessions({
  cluster,
  prefix,
  count,
  session,
  onToken,
  idleTtlMs,
}: {
  cluster: RedisClusterServer;
  prefix: string;
  count: number;
  session: () => NewSession;
  onToken: (token: string) => void;
  idleTtlMs: number;
}): Promise<void> {
  const owners = await slotOwners(cluster.cli, cluster.nodes[0]?.port as number);
  const cli = findBinary('redis-cli', { install: 'apt-get install redis-server', extraDirs: ['/usr/bin'] });
  const pipes = new Map<number, { stdin: Writable; done: Promise<unknown>; buffer: string[] }>();
  for (const port of new Set(owners)) {
    const child = spawn(cli, ['-p', String(port), '--pipe'], { stdio: ['pipe', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    const done = once(child, 'exit').then(([code]) => {
      if (code !== 0 || !/errors: 0,/.test(output)) throw new Error(`redis-cli --pipe on ${port}: ${output}`);
    });
    pipes.set(port, { stdin: child.stdin, done, buffer: [] });
  }
  const store = capturingStore();
  const sessions = createSessions({ store, idleTtlMs, touchIntervalMs: idleTtlMs / 2 });
  const flush = async (pipe: { stdin: Writable; buffer: string[] }) => {
    if (!pipe.stdin.write(pipe.buffer.join(''))) await once(pipe.stdin, 'drain');
    pipe.buffer = [];
  };
  for (let index = 0; index < count; index++) {
    const { token } = await sessions.create(session());
    onToken(token);
    const { slot, payload } = createCommands(prefix, store.last as SessionRecord);
    const pipe = pipes.get(owners[slot] as number);
    if (!pipe) throw new Error(`no primary serves slot ${slot}`);
    pipe.buffer.push(payload);
    if (pipe.buffer.length >= 2_000) await flush(pipe);
  }
  for (const pipe of pipes.values()) {
    await flush(pipe);
    pipe.stdin.end();
  }
  await Promise.all([...pipes.values()].map((pipe) => pipe.done));
}
