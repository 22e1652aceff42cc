import { domainToASCII } from 'node:url';

/**
 * The one form of an email address that accounts, look-ups, throttles and rate-limit keys use:
 * trimmed, NFKC (full-width and other compatibility forms fold to their plain letters), lower
 * case, and the domain in its IDNA (UTS #46) ASCII form: `ＡＬＩＣＥ@Example.com` is
 * `alice@example.com`, and `bücher.de` and `xn--bcher-kva.de` are one domain. A domain UTS #46
 * rejects is kept as typed (lower case), and so matches nothing but itself.
 */
export function normalizeEmail(email: string): string {
  const folded = email.trim().normalize('NFKC').toLowerCase();
  const at = folded.lastIndexOf('@');
  if (at < 0) return folded;
  const domain = folded.slice(at + 1);
  return `${folded.slice(0, at)}@${domainToASCII(domain) || domain}`;
}
