import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FREE_MEMORY_SHARE, LOAD_MEMORY_FACTOR, loadMemory } from '../../src/extension/memory';

test('a load is asked about when its estimated peak exceeds the share of free memory', () => {
  const GB = 2 ** 30;
  // 1 GB of CSV needs about 3 GB: fine with 8 GB free, asked about with 2 GB free.
  assert.deepEqual(loadMemory(GB, 8 * GB), { need: LOAD_MEMORY_FACTOR * GB, fits: true });
  assert.equal(loadMemory(GB, 2 * GB).fits, false);
  // The boundary: exactly the share of the free memory still fits.
  const free = 10 * GB;
  assert.equal(loadMemory((free * FREE_MEMORY_SHARE) / LOAD_MEMORY_FACTOR, free).fits, true);
  assert.equal(loadMemory((free * FREE_MEMORY_SHARE) / LOAD_MEMORY_FACTOR + 1024, free).fits, false);
});
