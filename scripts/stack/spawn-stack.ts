import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { freePort } from '@authscale/testkit';

export interface SpawnedStack {
  /** The edge's public origin. */
  edgeUrl: string;
  /** Stops the stack (SIGINT, as Ctrl-C does) and waits for it to exit. */
  stop(): Promise<void>;
}

/**
 * Starts `npm run stack` as a child process on a free edge port, with `env` on top of this
 * process's environment (every setting a service reads passes through), and resolves once it
 * reports ready.
 */
export async function spawnStack({ env = {} }: { env?: Record<string, string> } = {}): Promise<SpawnedStack> {
  const port = await freePort();
  const stack = spawn(process.execPath, ['--import', 'tsx', new URL('../stack.ts', import.meta.url).pathname], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = once(stack, 'exit');
  let output = '';
  await new Promise<void>((resolve, reject) => {
    stack.stdout.on('data', (chunk) => {
      output += chunk;
      if (output.includes('authscale stack ready')) resolve();
    });
    void exited.then(([code]) => reject(new Error(`the stack exited with ${code} before it was ready:\n${output}`)));
  });
  return {
    edgeUrl: `http://localhost:${port}`,
    async stop() {
      if (stack.exitCode !== null) return;
      stack.kill('SIGINT');
      await exited;
    },
  };
}
