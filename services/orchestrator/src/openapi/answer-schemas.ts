import { Type } from 'typebox';

/**
 * A success without a body: what a route that only changes state answers. JSON Schema's `null`
 * tells the document there is no content; the route sends nothing (`reply.send()`), hence the
 * static type.
 */
export const noContent = Type.Unsafe<undefined>({ type: 'null', description: 'Done; no body.' });

/** A redirect the browser follows: `Location` says where. */
export function seeOther(description: string) {
  return Type.Null({
    description,
    headers: { location: Type.String({ description: 'Where the browser goes next.' }) },
  });
}
