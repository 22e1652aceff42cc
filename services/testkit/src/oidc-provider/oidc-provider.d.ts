/** The slice of `oidc-provider` (a Koa application; the package ships no types) the tests use. */
declare module 'oidc-provider' {
  import type { IncomingMessage, Server, ServerResponse } from 'node:http';

  export interface ProviderAccount {
    accountId: string;
    claims(): Record<string, unknown> | Promise<Record<string, unknown>>;
  }

  export interface ProviderConfiguration {
    clients?: Record<string, unknown>[];
    findAccount?(context: unknown, id: string): ProviderAccount | undefined | Promise<ProviderAccount | undefined>;
    claims?: Record<string, string[]>;
    cookies?: { keys?: string[] };
    pkce?: { required?(): boolean };
    features?: Record<string, { enabled: boolean }>;
    [key: string]: unknown;
  }

  export default class Provider {
    constructor(issuer: string, configuration?: ProviderConfiguration);
    listen(port: number, host: string, callback?: () => void): Server;
    /** Koa's request handler, for a server the caller creates (https). */
    callback(): (request: IncomingMessage, response: ServerResponse) => void;
  }
}
