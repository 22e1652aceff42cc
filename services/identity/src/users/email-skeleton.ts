import { domainToUnicode } from 'node:url';
import { normalizeEmail } from '@authscale/core';
import unhomoglyph from 'unhomoglyph';

const invisible = /\p{Default_Ignorable_Code_Point}/gu;

/**
 * The UTS #39 confusable skeleton of an address: two addresses that render alike have the same one
 * (`ѕсоре@example.com`, every letter Cyrillic, and `scope@example.com`), so at most one account may
 * hold each. Taken over the one normal form (`normalizeEmail`), with the domain back in Unicode,
 * since its IDNA ASCII form hides the letters a reader sees. As UTS #39 section 4 defines it: NFD,
 * without the characters that render as nothing (a soft hyphen, a zero-width joiner), each
 * character replaced by its prototype in Unicode's confusables table (unhomoglyph's copy), NFD
 * again. Only to compare: `m` becomes `rn`, so `martin` and `rnartin` are one skeleton, as they
 * are on screen.
 */
export function emailSkeleton(email: string): string {
  const normalized = normalizeEmail(email);
  const at = normalized.lastIndexOf('@');
  const domain = normalized.slice(at + 1);
  const rendered = at < 0 ? normalized : `${normalized.slice(0, at)}@${domainToUnicode(domain) || domain}`;
  return unhomoglyph(rendered.normalize('NFD').replace(invisible, '')).normalize('NFD');
}
