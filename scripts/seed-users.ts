/**
 * `npm run loadtest:seed -- --users U [--out FILE]`: U users with a live session and a refresh token
 * each, written in bulk into the stack `npm run stack` is running (`.authscale/stack.json`), and
 * the seed file the k6 profiles read (`-e SEED_FILE=FILE`).
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { stackStateFile } from '@authscale/testkit';
import { loadTestPassword } from './loadtest/load-test-settings.ts';
import { seedLocalStack } from './loadtest/seed-local-stack.ts';

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '1000' },
    out: { type: 'string', default: '.authscale/loadtest/seed.json' },
  },
});
const count = Number(values.users);
if (!(Number.isInteger(count) && count >= 1)) {
  console.error('usage: npm run loadtest:seed -- --users U [--out FILE]');
  process.exit(2);
}
const started = Date.now();
const users = await seedLocalStack({ state: stackStateFile().read(), count, password: loadTestPassword });
const out = resolve(values.out);
writeFileSync(out, JSON.stringify({ users }));
const seconds = (Date.now() - started) / 1000;
console.log(`${count} users seeded in ${seconds.toFixed(1)} s (${Math.round(count / seconds)}/s): ${out}`);
