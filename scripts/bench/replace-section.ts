/**
 * Replaces the `## <title>` section of a Markdown document (up to the next `## `), or inserts it:
 * at the top, after the first heading, when `atTop`; otherwise at the end.
 */
export function replaceSection(document: string, title: string, section: string, atTop = false): string {
  const pattern = new RegExp(`## ${title}\\n[\\s\\S]*?(?=\\n## |$)`);
  if (pattern.test(document)) return document.replace(pattern, section);
  if (!atTop) return `${document.trimEnd()}\n\n${section}`;
  const [heading, ...rest] = document.split('\n## ');
  return [`${(heading as string).trimEnd()}\n\n${section.trimEnd()}\n`, ...rest].join('\n## ');
}
