import { Type } from 'typebox';
import { linkTokenSchema } from '../email-verification/email-verification-schemas.ts';
import { emailSchema, newPasswordSchema } from '../sign-in/sign-in-schemas.ts';

export const passwordResetRequestBody = Type.Object({ email: emailSchema }, { additionalProperties: false });

export const passwordResetBody = Type.Object(
  { token: linkTokenSchema, password: newPasswordSchema },
  { additionalProperties: false },
);
