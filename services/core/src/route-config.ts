declare module 'fastify' {
  interface FastifyContextConfig {
    /** A route anyone may call: request auth lets it through without credentials. */
    public?: boolean;
  }
}

export {};
