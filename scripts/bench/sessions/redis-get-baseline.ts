import { createClient } from 'redis';
import { percentile, timed } from '../measure.ts';

/** The floor a Redis miss is read against: one client's GET of a session-sized value on loopback. */
export async function redisGetBaseline(url: string) {
  const client = createClient({ url, RESP: 3 });
  await client.connect();
  await client.set('bench:baseline', 'x'.repeat(300));
  const samples: number[] = [];
  for (let index = 0; index < 5_000; index++) samples.push(await timed(() => client.get('bench:baseline')));
  await client.close();
  return { p50: percentile(samples, 50), p99: percentile(samples, 99) };
}
