import { Type } from 'typebox';

/** Loose on purpose: the address is proven by use, not by a regular expression. */
export const emailSchema = Type.String({ minLength: 3, maxLength: 254, pattern: '^[^\\s@]+@[^\\s@]+$' });

/** Bounded well above the policy's 128 code points so a long password reaches the policy check. */
export const passwordSchema = Type.String({ minLength: 1, maxLength: 1024 });

export const credentialsBody = Type.Object(
  { email: emailSchema, password: passwordSchema },
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
