import { Type } from 'typebox';
import { linkTokenSchema } from '../email-verification/email-verification-schemas.ts';
import { emailSchema } from '../sign-in/sign-in-schemas.ts';
import { roleSchema } from '../tenants/tenant-schemas.ts';

export const invitationBody = Type.Object({ email: emailSchema, role: roleSchema }, { additionalProperties: false });

export const invitationSchema = Type.Object({
  id: Type.String(),
  email: Type.String(),
  role: roleSchema,
  invitedBy: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  expiresAt: Type.String(),
});

export const invitationParams = Type.Object({
  tenantId: Type.String({ format: 'uuid' }),
  invitationId: Type.String({ format: 'uuid' }),
});

export const acceptInvitationBody = Type.Object({ token: linkTokenSchema }, { additionalProperties: false });
