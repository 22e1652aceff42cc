/**
 * The methods each registered path answers, for telling "no such path" (404) from "not with this
 * method" (405 and its `Allow` header). Paths use the router's syntax: `:name` matches one
 * segment, a trailing `*` the rest of the path.
 */
export function routeMethods() {
  const byUrl = new Map<string, { pattern: RegExp; methods: Set<string> }>();

  function add(url: string, method: string | readonly string[]) {
    let entry = byUrl.get(url);
    if (!entry) {
      entry = { pattern: patternOf(url), methods: new Set() };
      byUrl.set(url, entry);
    }
    for (const one of [method].flat()) entry.methods.add(one.toUpperCase());
  }

  /** The methods some route answers at this path (no query string), sorted; empty when none. */
  function allowedAt(path: string): string[] {
    const allowed = new Set<string>();
    for (const { pattern, methods } of byUrl.values()) {
      if (pattern.test(path)) for (const method of methods) allowed.add(method);
    }
    return [...allowed].sort();
  }

  return { add, allowedAt };
}

function patternOf(url: string): RegExp {
  const segments = url.split('/').map((segment) => {
    if (segment === '*') return '.*';
    if (segment.startsWith(':')) return '[^/]+';
    return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  });
  return new RegExp(`^${segments.join('/')}$`);
}
