import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { fillTemplate } from './fill-template.ts';
import { writeBenchmarkSection } from './write-benchmark-section.ts';

const dir = mkdtempSync(join(tmpdir(), 'authscale-bench-doc-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('writeBenchmarkSection', () => {
  it("replaces its own section and leaves the other benchmarks' as they are", () => {
    const document = pathToFileURL(join(dir, 'benchmarks.md'));
    writeFileSync(
      document,
      '# Benchmarks\n\n## Results table\n\nold results\n\n## Edge\n\nold edge\n\n## Reading\n\nprose\n',
    );
    const section = writeBenchmarkSection({ title: 'Edge', body: 'new edge\n', document });
    assert.equal(section, '## Edge\n\nnew edge\n');
    assert.equal(
      readFileSync(document, 'utf8'),
      '# Benchmarks\n\n## Results table\n\nold results\n\n## Edge\n\nnew edge\n\n## Reading\n\nprose\n',
    );
  });

  it('adds a missing section last, or first after the heading', () => {
    const document = pathToFileURL(join(dir, 'new.md'));
    writeBenchmarkSection({ title: 'Sessions', body: 'sessions', document });
    writeBenchmarkSection({ title: 'Results table', body: 'results', atTop: true, document });
    assert.equal(
      readFileSync(document, 'utf8'),
      '# Benchmarks\n\n## Results table\n\nresults\n\n## Sessions\n\nsessions\n',
    );
  });
});

describe('fillTemplate', () => {
  const template = pathToFileURL(join(dir, 'section.md'));
  writeFileSync(template, 'Each of {{count}} rows, {{count}} times: {{what}}.\n');

  it('fills every placeholder', () => {
    assert.equal(fillTemplate(template, { count: 3, what: 'done' }), 'Each of 3 rows, 3 times: done.');
  });

  it('refuses a placeholder without a value, and a value without a placeholder', () => {
    assert.throws(() => fillTemplate(template, { count: 3 }), /no value for \{\{what\}\}/);
    assert.throws(() => fillTemplate(template, { count: 3, what: 'x', extra: 1 }), /no \{\{extra\}\} to fill/);
  });
});
