import type { TestEvent } from 'node:test/reporters';

/**
 * A node:test reporter that writes one line per skipped or todo test, and nothing else. `npm test`
 * fails a run in which it wrote anything: a test that does not run proves nothing, and CI must not
 * pass over it quietly.
 */
export default async function* skippedTestsReporter(source: AsyncIterable<TestEvent>): AsyncGenerator<string> {
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const { skip, todo, name, file } = event.data as { skip?: unknown; todo?: unknown; name: string; file?: string };
    if (skip !== undefined || todo !== undefined) yield `${file ?? ''}: ${name}\n`;
  }
}
