import type { ChildProcess } from 'node:child_process';
import { freePorts, spawnServer, stopProcess, waitFor } from '@authscale/testkit';
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
  /** Off, nothing listens on the port and open connections are closed: the dependency is gone. */
  setEnabled(enabled: boolean): Promise<void>;
  /** Ends every toxic. */
  heal(): Promise<void>;
}

export interface Toxiproxy {
  /** A proxy on a free loopback port in front of `upstream` (`host:port`). */
  proxy(name: string, upstream: string): Promise<Link>;
  /** Ends every toxic on every link. */
  heal(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Toxiproxy, one `toxiproxy-server` per link. Changing a proxy under traffic can hang the server
 * for good (Shopify/toxiproxy#558: removing a toxic, deleting or disabling the proxy), so nothing
 * here waits on that: a link is switched off by stopping its server and on by starting it again
 * on the same ports, and a heal sets each toxic's toxicity to 0, restarting that link's server
 * (which closes only its own connections) should even that hang.
 */
export async function startToxiproxy(): Promise<Toxiproxy> {
  const links: Link[] = [];
  let toxics = 0;
  return {
    async proxy(name, upstream) {
      const [apiPort, port] = (await freePorts(2)) as [number, number];
      const api = `http://127.0.0.1:${apiPort}`;
      const call = async (method: string, path: string, body: unknown, timeoutMs = 10_000) => {
        const response = await fetch(`${api}${path}`, {
          method,
          signal: AbortSignal.timeout(timeoutMs),
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        if (!response.ok) throw new Error(`Toxiproxy ${method} ${path}: ${response.status} ${await response.text()}`);
      };
      let server: ChildProcess | undefined;
      const start = async () => {
        server = spawnServer(ensureToxiproxy(), ['-host', '127.0.0.1', '-port', String(apiPort)]);
        await waitFor(async () => ((await fetch(`${api}/version`)).ok ? true : undefined), {
          what: `toxiproxy-server for ${name}`,
        });
        await call('POST', '/proxies', { name, listen: `127.0.0.1:${port}`, upstream, enabled: true });
      };
      const halt = async () => {
        if (server) await stopProcess(server, 'SIGKILL');
        server = undefined;
      };
      await start();
      let named: string[] = [];
      const link: Link = {
        name,
        port,
        async add({ type, stream = 'downstream', attributes }) {
          const toxic = `${type}-${++toxics}`;
          await call('POST', `/proxies/${name}/toxics`, { name: toxic, type, stream, toxicity: 1, attributes });
          named.push(toxic);
        },
        setEnabled: (enabled) => (enabled ? start() : halt()),
        async heal() {
          const ending = named;
          named = [];
          try {
            for (const toxic of ending) await call('POST', `/proxies/${name}/toxics/${toxic}`, { toxicity: 0 }, 3_000);
          } catch {
            await halt();
            await start();
          }
        },
      };
      links.push(link);
      return link;
    },
    heal: async () => void (await Promise.all(links.map((link) => link.heal()))),
    stop: async () => void (await Promise.all(links.map((link) => link.setEnabled(false)))),
  };
}
