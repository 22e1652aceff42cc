/**
 * `tsx scripts/bench/on-image-node.ts <bench script>`: runs a benchmark on the Node major the
 * service image deploys (`FROM node:<major>` in services/Dockerfile), so that its figures describe
 * the runtime that serves production traffic, not whichever Node this machine has. The services,
 * the reference servers and the load generator all run on it. When the machine's Node is another
 * major, npm fetches that one once (the `node` package, kept in npm's cache).
 * BENCH_NODE=current keeps the machine's Node; BENCH_NODE=<path> runs another binary.
 */
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The one Node major in a Dockerfile's `FROM node:<major>` lines. */
export function imageNodeMajor(dockerfile: string): number {
  const majors = new Set([...dockerfile.matchAll(/^FROM node:(\d+)/gim)].map((match) => Number(match[1])));
  const [major, ...others] = majors;
  if (major === undefined || others.length > 0) {
    throw new Error(
      `expected one Node major in the Dockerfile's FROM lines, found: ${[...majors].join(', ') || 'none'}`,
    );
  }
  return major;
}

function nodeFor(major: number): string {
  const chosen = process.env.BENCH_NODE;
  if (chosen === 'current' || (!chosen && process.versions.node.split('.')[0] === String(major))) {
    return process.execPath;
  }
  if (chosen) return chosen;
  console.log(
    `Running on Node ${major}, the service image's major, from npm (fetched on first use); ` +
      `BENCH_NODE=current runs this machine's Node ${process.version}.`,
  );
  return execFileSync('npm', ['exec', '--yes', `--package=node@${major}`, '--', 'node', '-p', 'process.execPath'], {
    cwd: tmpdir(),
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
}

async function main([script, ...args]: string[]) {
  if (!script) throw new Error('usage: tsx scripts/bench/on-image-node.ts <bench script> [arguments]');
  const dockerfile = readFileSync(new URL('../../services/Dockerfile', import.meta.url), 'utf8');
  const node = nodeFor(imageNodeMajor(dockerfile));
  if (node === process.execPath) {
    // The benchmark reads its own arguments, as if it had been started directly.
    process.argv = [process.argv[0] as string, resolve(script), ...args];
    await import(pathToFileURL(resolve(script)).href);
    return;
  }
  const child = spawn(node, ['--import', 'tsx', script, ...args], { stdio: 'inherit' });
  // Ctrl-C reaches the benchmark directly (same process group); it stops its servers and exits.
  process.on('SIGINT', () => {});
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  const [code] = (await once(child, 'exit')) as [number | null];
  process.exitCode = code ?? 1;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main(process.argv.slice(2));
