import { Type } from 'typebox';
import { displayNameSchema } from './display-name-schema.ts';

export const roleSchema = Type.Union([Type.Literal('owner'), Type.Literal('admin'), Type.Literal('member')]);

export const tenantSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  role: roleSchema,
  joinedAt: Type.String(),
});

export const memberSchema = Type.Object({
  userId: Type.String(),
  email: Type.String(),
  role: roleSchema,
  joinedAt: Type.String(),
});

export const tenantParams = Type.Object({ tenantId: Type.String({ format: 'uuid' }) });
export const memberParams = Type.Object({
  tenantId: Type.String({ format: 'uuid' }),
  userId: Type.String({ format: 'uuid' }),
});

export const tenantNameBody = Type.Object({ name: displayNameSchema(200) }, { additionalProperties: false });
export const changeRoleBody = Type.Object({ role: roleSchema }, { additionalProperties: false });
