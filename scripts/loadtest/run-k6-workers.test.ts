import assert from 'node:assert/strict';
import { it } from 'node:test';
import { executionSegment } from '../../load-tests/execution-segments.ts';
import { segmentFlags } from './run-k6-workers.ts';

it('gives each of N workers an equal segment of one sequence, and one worker none', () => {
  assert.deepEqual(segmentFlags(0, 1), []);
  assert.deepEqual(segmentFlags(1, 2), ['--execution-segment', '1/2:1', '--execution-segment-sequence', '0,1/2,1']);
  assert.deepEqual(
    Array.from({ length: 3 }, (_, index) => executionSegment(index, 3)),
    [
      { segment: '0:1/3', sequence: '0,1/3,2/3,1' },
      { segment: '1/3:2/3', sequence: '0,1/3,2/3,1' },
      { segment: '2/3:1', sequence: '0,1/3,2/3,1' },
    ],
  );
  assert.throws(() => executionSegment(2, 2), RangeError);
});
