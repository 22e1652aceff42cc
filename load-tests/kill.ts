/**
 * The failover run's companion: kills one process of the running local stack, the way a crash would.
 *   npx tsx load-tests/kill.ts session-replica [--after 5]
 *   npx tsx load-tests/kill.ts redis-primary   [--after 5]
 * It reads `.authscale/stack.json` (written by `npm run stack`) and asks Redis which nodes are primaries
 * now, since earlier failovers may have swapped roles.
 */
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { isAlive, stackStateFile } from '@authscale/testkit';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { after: { type: 'string', default: '5' } },
});
const target = positionals[0];
if (target !== 'session-replica' && target !== 'redis-primary') {
  console.error('usage: kill.ts session-replica|redis-primary [--after SECONDS]');
  process.exit(2);
}

await new Promise((resolve) => setTimeout(resolve, Number(values.after) * 1000));
const { processes } = stackStateFile().read();
const live = processes.filter((entry) => isAlive(entry.pid));

const victim =
  target === 'session-replica'
    ? live.find((entry) => entry.role === 'session')
    : live.find(
        (entry) =>
          (entry.role === 'redis-primary' || entry.role === 'redis-replica') &&
          execFileSync('redis-cli', ['-p', String(entry.port), 'ROLE'], { encoding: 'utf8' }).startsWith('master'),
      );
if (!victim) {
  console.error(`no live ${target} in the stack`);
  process.exit(1);
}
process.kill(victim.pid, 'SIGKILL');
console.log(`${new Date().toISOString()} killed ${target} pid ${victim.pid} (port ${victim.port})`);
