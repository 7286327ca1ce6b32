// The same under Deno: the built ESM bundle, its dependencies from node_modules.
import { crc32, crc32c } from '../../dist/index.js';
const data = new TextEncoder().encode('123456789');
const got = [crc32(data), crc32c(data)];
if (got[0] !== 0xcbf43926 || got[1] !== 0xe3069283) {
  console.error('checksum mismatch', got);
  Deno.exit(1);
}
console.log(`ok crc32=${got[0].toString(16)} crc32c=${got[1].toString(16)}`);
