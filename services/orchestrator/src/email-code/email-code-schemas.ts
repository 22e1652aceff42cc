import { Type } from 'typebox';
import { linkTokenSchema } from '../email-verification/email-verification-schemas.ts';
import { emailSchema } from '../sign-in/sign-in-schemas.ts';
import { emailCodeDigits } from './new-email-code.ts';

export const emailCodeRequestBody = Type.Object({ email: emailSchema }, { additionalProperties: false });

/** The code typed with the address it was mailed to, or the token of the mailed link. */
export const emailCodeVerifyBody = Type.Union([
  Type.Object(
    { email: emailSchema, code: Type.String({ pattern: `^[0-9]{${emailCodeDigits}}$` }) },
    { additionalProperties: false },
  ),
  Type.Object({ token: linkTokenSchema }, { additionalProperties: false }),
]);

export const emailCodeSettingsSchema = Type.Object({
  enabled: Type.Literal(true),
  codeDigits: Type.Integer(),
  lifetimeSeconds: Type.Integer(),
});
