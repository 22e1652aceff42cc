/**
 * `npm run bench:edge`: authenticated `GET /me` through the edge, with the session cookie (the
 * session replica answers from its near cache) and with a bearer JWT (verified at the edge against
 * the cached JWKS; its session checked live, then with that check switched off), against a bare
 * Fastify hello-world in the same run. The full topology runs as separate processes on this
 * machine. Prints a table and writes it into the "Edge" section of docs/benchmarks.md.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { edgeBenchTargets } from './bench/edge/edge-bench-targets.ts';
import { measureEdgeRows } from './bench/edge/measure-edge-rows.ts';
import { renderEdgeSection } from './bench/edge/render-edge-section.ts';
import { signInThroughEdge } from './bench/edge/sign-in-through-edge.ts';
import { startEdgeBench } from './bench/edge/start-edge-bench.ts';
import { writeBenchmarkSection } from './bench/write-benchmark-section.ts';
import { onImageNode } from './image-node.ts';

const settings = {
  seconds: Number(process.env.BENCH_SECONDS ?? 5),
  /** Each row takes turns with the hello-world this many times; the median round stands for it. */
  rounds: Number(process.env.BENCH_ROUNDS ?? 5),
  connections: 32,
};

const bench = await startEdgeBench({
  logDir: mkdtempSync(join(tmpdir(), 'authscale-bench-edge-')),
  // On the image's Node, every service starts as its image starts it (src/main.ts, type stripping).
  imageNode: onImageNode() ? process.execPath : undefined,
});
try {
  const credentials = await signInThroughEdge({ edgeUrl: bench.edge.url, origin: bench.publicOrigin });
  const targets = edgeBenchTargets({ bench, ...credentials });
  const rows = await measureEdgeRows({ targets, hello: bench.hello, ...settings });
  const section = writeBenchmarkSection({ title: 'Edge', body: renderEdgeSection({ rows, ...settings }) });
  console.log(`\n${section}`);
} finally {
  await bench.stop();
}
