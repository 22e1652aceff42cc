import { AuthError } from '@authscale/core';
import type { FastifySchemaValidationError } from 'fastify';

/**
 * A route's `schemaErrorFormatter` where the body sets a password: the schema states the policy's
 * lengths (so the published document does), and a length outside them is refused with the code
 * the policy check gives, 400 `weak_password`. Any other schema failure stays `invalid_request`.
 */
export function weakPasswordErrors(field: string) {
  return (errors: FastifySchemaValidationError[], dataVar: string): Error => {
    const outsideLengths = errors.some(
      ({ instancePath, keyword }) =>
        instancePath === `/${field}` && (keyword === 'minLength' || keyword === 'maxLength'),
    );
    return outsideLengths ? new AuthError('weak_password') : new Error(`${dataVar} does not match its schema`);
  };
}
