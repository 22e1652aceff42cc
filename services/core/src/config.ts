import { type Static, type TSchema, Type } from 'typebox';
import { Value } from 'typebox/value';
import { ConfigError } from './errors.ts';

export interface LoadConfigOptions<T extends TSchema> {
  /** Names the service or plugin in error messages. */
  scope: string;
  schema: T;
  /** Raw values, usually picked from `process.env` by the caller's entry point. */
  values: Record<string, unknown>;
  /**
   * Names this scope no longer reads, each with the setting that replaced it. A value under one of
   * them fails start-up, so a renamed setting is never silently ignored. @default {}
   */
  retired?: Readonly<Record<string, string>>;
}

/**
 * Parses configuration once at start-up: applies defaults, splits comma lists for the schema's
 * array settings, converts strings from the environment to the schema's types, and throws one
 * `ConfigError` listing every problem. The result is frozen so nothing downstream can change it.
 */
export function loadConfig<T extends TSchema>({
  scope,
  schema,
  values,
  retired = {},
}: LoadConfigOptions<T>): Readonly<Static<T>> {
  const present = Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined && value !== ''));
  const converted = Value.Convert(schema, Value.Default(schema, splitLists(schema, present)));
  const problems = [
    ...Object.entries(retired)
      .filter(([name]) => name in present)
      .map(([name, replacement]) => `${name}: no longer read; set ${replacement} instead`),
    ...loosePrimitives(schema, present),
    ...Value.Errors(schema, converted).map(
      (error) => `${error.instancePath.replace(/^\//, '') || '(root)'}: ${error.message}`,
    ),
  ];
  if (problems.length > 0) throw new ConfigError(scope, problems);
  return deepFreeze(converted as Static<T>);
}

/**
 * The environment holds strings only, so a list setting arrives as `a, b,c`: split on commas,
 * trimmed, empty items dropped. Values that are already arrays pass through.
 */
function splitLists(schema: TSchema, values: Record<string, unknown>): Record<string, unknown> {
  if (!Type.IsObject(schema)) return values;
  const properties: Record<string, TSchema> = schema.properties;
  return Object.fromEntries(
    Object.entries(values).map(([name, value]) => {
      const field = properties[name];
      if (!field || !Type.IsArray(field) || typeof value !== 'string') return [name, value];
      return [
        name,
        value
          .split(',')
          .map((item) => item.trim())
          .filter(Boolean),
      ];
    }),
  );
}

/**
 * `Value.Convert` is lenient: it reads `1` or `TRUE` as true, `true` as 1 and `10.5` as 10. A
 * setting is written one way, so a boolean is `true` or `false` and an integer whole digits.
 */
function loosePrimitives(schema: TSchema, values: Record<string, unknown>): string[] {
  if (!Type.IsObject(schema)) return [];
  const properties: Record<string, TSchema> = schema.properties;
  return Object.entries(values).flatMap(([name, value]) => {
    const field = properties[name];
    if (!field || typeof value !== 'string') return [];
    if (Type.IsBoolean(field) && value !== 'true' && value !== 'false') return [`${name}: must be true or false`];
    if (Type.IsInteger(field) && !/^-?[0-9]+$/.test(value)) return [`${name}: must be a whole number`];
    return [];
  });
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
