import { randomBytes } from 'node:crypto';

let lastMs = 0;
let sequence = 0;

/**
 * A UUIDv7: time-ordered, so new rows land at the right edge of every primary-key B-tree instead
 * of at random pages (a random v4 key made a million-row import several times slower). A 12-bit
 * sequence keeps ids made within the same millisecond in order.
 */
export function newId(): string {
  let ms = Date.now();
  if (ms <= lastMs) {
    ms = lastMs;
    sequence++;
    if (sequence > 0xfff) {
      ms = ++lastMs;
      sequence = 0;
    }
  } else {
    sequence = 0;
  }
  lastMs = ms;
  const random = nextRandomBytes();
  const hex = ms.toString(16).padStart(12, '0');
  const seq = (0x7000 | sequence).toString(16);
  const variant = ((random[0]! & 0x3f) | 0x80).toString(16).padStart(2, '0');
  const tail = random.subarray(1).toString('hex').slice(0, 14);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${seq}-${variant}${tail.slice(0, 2)}-${tail.slice(2, 14)}`;
}

// One randomBytes call per 512 ids: a million-row import made a million small synchronous calls.
const POOL_IDS = 512;
let pool = Buffer.alloc(0);
let poolOffset = 0;

function nextRandomBytes(): Buffer {
  if (poolOffset >= pool.length) {
    pool = randomBytes(8 * POOL_IDS);
    poolOffset = 0;
  }
  poolOffset += 8;
  return pool.subarray(poolOffset - 8, poolOffset);
}
