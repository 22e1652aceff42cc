import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { replaceSection } from './replace-section.ts';

const benchmarksDocument = new URL('../../docs/benchmarks.md', import.meta.url);

/**
 * Writes one benchmark's write-up as the `## <title>` section of docs/benchmarks.md, leaving the
 * other benchmarks' sections as they are (each benchmark runs on its own). Returns the section.
 */
export function writeBenchmarkSection({
  title,
  body,
  atTop = false,
  document = benchmarksDocument,
}: {
  title: string;
  /** The section's text below its heading. */
  body: string;
  /** A new section goes first (after the document's heading) rather than last. */
  atTop?: boolean;
  document?: URL;
}): string {
  const section = `## ${title}\n\n${body.trimEnd()}\n`;
  const current = existsSync(document) ? readFileSync(document, 'utf8') : '# Benchmarks\n';
  writeFileSync(document, replaceSection(current, title, section, atTop));
  return section;
}
