import { Type } from 'typebox';

/** The token of a mailed link, as the page it leads to posts it back. */
export const linkTokenSchema = Type.String({ minLength: 16, maxLength: 256, pattern: '^[A-Za-z0-9_-]+$' });

export const emailVerifyBody = Type.Object({ token: linkTokenSchema }, { additionalProperties: false });

/** The answer to a request for a link: the same whatever happens next. */
export const linkRequestedSchema = Type.Object({ accepted: Type.Literal(true) });
