import { Type } from 'typebox';

/** Settings every service process reads from its environment. */
export function serviceConfigFields(defaultPort: number) {
  return {
    HOST: Type.String({ default: '127.0.0.1', minLength: 1 }),
    PORT: Type.Integer({ default: defaultPort, minimum: 0, maximum: 65535 }),
    LOG_LEVEL: Type.Union(
      ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((level) => Type.Literal(level)),
      { default: 'info' },
    ),
  };
}
