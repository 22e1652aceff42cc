/**
 * Type tests, checked by `npm run typecheck` (never run): the request decorators and route config
 * that the shared plugins declare. A `@ts-expect-error` that stops erroring fails the type-check.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AuthErrorCode, AuthenticatedUser } from '../../src/index.ts';
import { AuthError } from '../../src/index.ts';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const assertType = <T extends true>(_proof?: T) => {};

declare const request: FastifyRequest;
declare const app: FastifyInstance;

// request.user is what request auth attaches, or null on public routes: never undefined, never any.
assertType<Equal<FastifyRequest['user'], AuthenticatedUser | null>>();
if (request.user) {
  assertType<Equal<typeof request.user.kind, 'session' | 'jwt' | 'api_key'>>();
  // @ts-expect-error identity data never rides on the request's user
  void request.user.email;
}

// Routes opt out of authentication through typed route config, nothing else.
app.get('/open', { config: { public: true } }, async () => ({}));
// @ts-expect-error the flag is a boolean, not a string
app.get('/typo', { config: { public: 'yes' } }, async () => ({}));

// Error codes are a closed union: a misspelt code does not compile.
assertType<Equal<AuthError['code'], AuthErrorCode>>();
void new AuthError('rate_limited');
// @ts-expect-error not one of our codes
void new AuthError('too_many_requests');
