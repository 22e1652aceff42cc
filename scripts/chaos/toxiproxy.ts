import { freePort, spawnServer, stopProcess, waitFor } from '@authscale/testkit';
import { ensureGoTool } from '../go-tool.ts';

/** The Toxiproxy the fault-injection suite builds from the Go module proxy, once. */
export const toxiproxyVersion = 'v2.12.0';

const ensureToxiproxy = () =>
  ensureGoTool({
    name: 'toxiproxy',
    pkg: 'github.com/Shopify/toxiproxy/v2/cmd/server',
    version: toxiproxyVersion,
    binary: 'server',
  });

/** A toxic as Toxiproxy's API names it (https://github.com/Shopify/toxiproxy#toxics). */
export interface Toxic {
  type: 'latency' | 'bandwidth' | 'slow_close' | 'timeout' | 'reset_peer' | 'slicer' | 'limit_data';
  /** `downstream` is what the dependency sends back; `upstream` what the client sends. @default downstream */
  stream?: 'upstream' | 'downstream';
  attributes: Record<string, number>;
}

/** One TCP proxy between a client and a dependency. */
export interface Link {
  name: string;
  /** Where the client connects instead of the dependency. */
  port: number;
  /** Adds a toxic; resolves once Toxiproxy applies it to new and open connections. */
  add(toxic: Toxic): Promise<void>;
  /** Removes every toxic. */
  heal(): Promise<void>;
  /** Disabled, the proxy closes its connections and refuses new ones: the dependency is gone. */
  setEnabled(enabled: boolean): Promise<void>;
}

export interface Toxiproxy {
  /** A proxy on a free loopback port in front of `upstream` (`host:port`). */
  proxy(name: string, upstream: string): Promise<Link>;
  /** Removes every toxic from every proxy and enables them all again. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts `toxiproxy-server` on free loopback ports and returns a client for its HTTP API. */
export async function startToxiproxy(): Promise<Toxiproxy> {
  const port = await freePort();
  const child = spawnServer(ensureToxiproxy(), ['-host', '127.0.0.1', '-port', String(port)]);
  const api = `http://127.0.0.1:${port}`;
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${api}${path}`, {
      method,
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    if (!response.ok) throw new Error(`Toxiproxy ${method} ${path}: ${response.status} ${await response.text()}`);
    return response.status === 204 ? undefined : response.json();
  };
  await waitFor(async () => ((await fetch(`${api}/version`)).ok ? true : undefined), { what: 'toxiproxy-server' });
  let toxics = 0;
  return {
    async proxy(name, upstream) {
      const listen = await freePort();
      await call('POST', '/proxies', { name, listen: `127.0.0.1:${listen}`, upstream, enabled: true });
      const named = new Set<string>();
      return {
        name,
        port: listen,
        async add({ type, stream = 'downstream', attributes }) {
          const toxic = `${type}-${++toxics}`;
          await call('POST', `/proxies/${name}/toxics`, { name: toxic, type, stream, toxicity: 1, attributes });
          named.add(toxic);
        },
        async heal() {
          for (const toxic of named) await call('DELETE', `/proxies/${name}/toxics/${toxic}`);
          named.clear();
        },
        setEnabled: async (enabled) => void (await call('POST', `/proxies/${name}`, { enabled })),
      };
    },
    reset: async () => void (await call('POST', '/reset')),
    stop: () => stopProcess(child, 'SIGTERM'),
  };
}
