import { inTurns, type LoadRun, load, startScript } from '../load.ts';
import { startLocalStack } from '../local-stack.ts';
import { median } from '../measure.ts';

/**
 * `GET /me` through the edge of the full local topology (its near cache on) taking `turns` turns
 * with the bare Fastify ceiling, runs of `seconds` each; then the p99 at half the median rate.
 */
export async function measureEdgeThroughput({ seconds, turns }: { seconds: number; turns: number }) {
  // On a busy machine a service can miss the stack's start-up deadline; one more try.
  const stack = await startLocalStack().catch(() => startLocalStack());
  try {
    const ceiling = await startScript('./ceiling-server.ts');
    try {
      const authscale = { url: `${stack.state.edgeUrl}/me`, headers: { cookie: stack.cookie } };
      const hello = { url: `${ceiling.url}/me` };
      await inTurns([hello, authscale], { rounds: 1, seconds: 2 }); // warm-up
      const [ceilingRuns, edgeRuns] = (await inTurns([hello, authscale], { rounds: turns, seconds })) as [
        LoadRun[],
        LoadRun[],
      ];
      const rounds = edgeRuns.map((run, index) => ({
        ceiling: (ceilingRuns[index] as LoadRun).requestsPerSecond,
        ours: run.requestsPerSecond,
      }));
      const max = median(rounds.map((round) => round.ours));
      const half = Math.max(1, Math.round(max / 2));
      const atHalf = await load({ ...authscale, seconds: 10, rate: half });
      return { rounds, max, half, atHalf };
    } finally {
      await ceiling.stop();
    }
  } finally {
    await stack.stop();
  }
}
