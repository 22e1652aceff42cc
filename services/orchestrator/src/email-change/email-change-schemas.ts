import { Type } from 'typebox';
import { linkTokenSchema } from '../email-verification/email-verification-schemas.ts';
import { emailSchema } from '../sign-in/sign-in-schemas.ts';

export const emailChangeRequestBody = Type.Object({ email: emailSchema }, { additionalProperties: false });

export const emailChangeConfirmBody = Type.Object({ token: linkTokenSchema }, { additionalProperties: false });
