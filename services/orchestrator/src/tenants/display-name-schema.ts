import { Type } from 'typebox';

/**
 * A name people give a tenant, a project or an API key: at least one visible character, and no
 * NUL, which Postgres stores in no text or JSON column (it was refused there before, with the same
 * 400, one round trip later).
 */
export function displayNameSchema(maxLength: number) {
  return Type.String({ minLength: 1, maxLength, pattern: '^[^\\x00]*[^\\s\\x00][^\\x00]*$' });
}
