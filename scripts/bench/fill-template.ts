import { readFileSync } from 'node:fs';

/**
 * A benchmark's write-up from its Markdown template (a file beside the script, so the prose is
 * read and edited as prose): every `{{name}}` is replaced by `values[name]`. A placeholder without
 * a value, or a value without a placeholder, throws, so template and code cannot drift apart.
 */
export function fillTemplate(template: URL, values: Record<string, string | number>): string {
  const text = readFileSync(template, 'utf8');
  const unused = new Set(Object.keys(values));
  const filled = text.replace(/\{\{(\w+)\}\}/g, (_match, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`${template.pathname}: no value for {{${name}}}`);
    unused.delete(name);
    return String(value);
  });
  if (unused.size > 0) throw new Error(`${template.pathname}: no {{${[...unused].join('}}, {{')}}} to fill`);
  return filled.trimEnd();
}
