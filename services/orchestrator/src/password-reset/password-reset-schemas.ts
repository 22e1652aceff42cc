import { Type } from 'typebox';
import { linkTokenSchema } from '../email-verification/email-verification-schemas.ts';
import { emailSchema, passwordSchema } from '../sign-in/sign-in-schemas.ts';

export const passwordResetRequestBody = Type.Object({ email: emailSchema }, { additionalProperties: false });

export const passwordResetBody = Type.Object(
  { token: linkTokenSchema, password: passwordSchema },
  { additionalProperties: false },
);
