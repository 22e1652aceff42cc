import type { Static, TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { ConfigError } from './errors.ts';

export interface LoadConfigOptions<T extends TSchema> {
  /** Names the service or plugin in error messages. */
  scope: string;
  schema: T;
  /** Raw values, usually picked from `process.env` by the caller's entry point. */
  values: Record<string, unknown>;
}

/**
 * Parses configuration once at start-up: applies defaults, converts strings from the
 * environment to the schema's types, and throws one `ConfigError` listing every problem.
 * The result is frozen so nothing downstream can change it.
 */
export function loadConfig<T extends TSchema>({ scope, schema, values }: LoadConfigOptions<T>): Readonly<Static<T>> {
  const present = Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined && value !== ''));
  const converted = Value.Convert(schema, Value.Default(schema, present));
  const problems = Value.Errors(schema, converted).map(
    (error) => `${error.instancePath.replace(/^\//, '') || '(root)'}: ${error.message}`,
  );
  if (problems.length > 0) throw new ConfigError(scope, problems);
  return deepFreeze(converted as Static<T>);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
