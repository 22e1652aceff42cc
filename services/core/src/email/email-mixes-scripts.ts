/**
 * The scripts whose letters stand in for each other (Latin `a`, Cyrillic `а`, Greek `α`): the
 * homoglyphs that make a look-alike address. UTS #39 restriction levels, reduced to the part that
 * matters for phishing an owner into inviting the wrong account.
 */
const confusableScripts = [/\p{Script=Latin}/u, /\p{Script=Cyrillic}/u, /\p{Script=Greek}/u];

/** Which of the confusable scripts the letters of `part` use. */
function scriptsOf(part: string): Set<number> {
  const scripts = new Set<number>();
  for (const letter of part.match(/\p{L}/gu) ?? []) {
    const script = confusableScripts.findIndex((pattern) => pattern.test(letter));
    if (script >= 0) scripts.add(script);
  }
  return scripts;
}

/**
 * Whether the local part, or any one label of the domain, mixes Latin, Cyrillic and Greek letters:
 * `pаypal@example.com` with a Cyrillic `а`. Such an address is refused at sign-up and email change.
 * Other mixes (Latin with Han, say) are ordinary and pass; an address wholly in one script passes.
 */
export function emailMixesScripts(email: string): boolean {
  const at = email.lastIndexOf('@');
  const parts = at < 0 ? [email] : [email.slice(0, at), ...email.slice(at + 1).split('.')];
  return parts.some((part) => scriptsOf(part.normalize('NFKC')).size > 1);
}
