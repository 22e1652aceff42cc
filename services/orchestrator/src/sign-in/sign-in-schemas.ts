import { Type } from 'typebox';
import { passwordPolicy } from '../passwords/password-policy.ts';

/**
 * Loose on purpose: the address is proven by use, not by a regular expression. No NUL, which no
 * address has and Postgres cannot store: it was refused anyway, by the database.
 */
export const emailSchema = Type.String({
  minLength: 3,
  maxLength: 254,
  pattern: '^[^\\s@\\x00]+@[^\\s@\\x00]+$',
  description:
    "Compared in one normal form (NFKC, lower case, the domain in IDNA ASCII form). Where an address is set (sign-up, a change), a local part or domain that mixes Latin, Cyrillic or Greek letters is refused with 400 `invalid_request`, and an address that renders as another account's (the same UTS #39 confusable skeleton, such as one spelled wholly in Cyrillic) counts as taken by that account.",
});

/**
 * A password being presented (sign-in, the current one at a change): any length a password was
 * ever set with, bounded so no one hashes a megabyte.
 */
export const passwordSchema = Type.String({ minLength: 1, maxLength: 1024 });

/**
 * A password being set: the policy's lengths, which JSON Schema counts in code points as the
 * policy does. Routes using it refuse a length outside them as `weak_password` (`weakPasswordErrors`).
 */
export const newPasswordSchema = Type.String({
  minLength: passwordPolicy.minLength,
  maxLength: passwordPolicy.maxLength,
  description: `${passwordPolicy.minLength} to ${passwordPolicy.maxLength} characters (Unicode code points), any composition. A commonly used password is refused with 400 \`weak_password\`, as is a length outside these.`,
});

export const credentialsBody = Type.Object(
  { email: emailSchema, password: passwordSchema },
  { additionalProperties: false },
);

export const signupBody = Type.Object(
  { email: emailSchema, password: newPasswordSchema },
  { additionalProperties: false },
);

/** The password was right and a second factor is enrolled: finish at `POST /auth/mfa/totp`. */
export const mfaRequiredSchema = Type.Object({ mfaRequired: Type.Literal(true), mfaToken: Type.String() });

export const tokenPairSchema = Type.Object({
  accessToken: Type.String(),
  refreshToken: Type.String(),
  expiresIn: Type.Integer(),
  sessionId: Type.String(),
});
