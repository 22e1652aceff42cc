/**
 * `tsx scripts/bench/on-image-node.ts <bench script>`: runs a benchmark on the Node major the
 * service image deploys, so that its figures describe the runtime that serves production traffic,
 * not whichever Node this machine has. The services, the reference servers and the load generator
 * all run on it (scripts/image-node.ts). BENCH_NODE=current keeps the machine's Node;
 * BENCH_NODE=<path> runs another binary.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { imageNode } from '../image-node.ts';

function benchmarkNode(): string {
  const chosen = process.env.BENCH_NODE;
  if (chosen === 'current') return process.execPath;
  if (chosen) return chosen;
  const { path, major } = imageNode();
  if (path !== process.execPath) {
    console.log(`Running on Node ${major}, the service image's major; BENCH_NODE=current runs ${process.version}.`);
  }
  return path;
}

const [script, ...args] = process.argv.slice(2);
if (!script) throw new Error('usage: tsx scripts/bench/on-image-node.ts <bench script> [arguments]');
const node = benchmarkNode();
if (node === process.execPath) {
  // The benchmark reads its own arguments, as if it had been started directly.
  process.argv = [process.argv[0] as string, resolve(script), ...args];
  await import(pathToFileURL(resolve(script)).href);
} else {
  const child = spawn(node, ['--import', 'tsx', script, ...args], { stdio: 'inherit' });
  // Ctrl-C reaches the benchmark directly (same process group); it stops its servers and exits.
  process.on('SIGINT', () => {});
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  const [code] = (await once(child, 'exit')) as [number | null];
  process.exitCode = code ?? 1;
}
