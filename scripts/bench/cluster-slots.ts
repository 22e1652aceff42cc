/** CRC16-XMODEM, the checksum Redis Cluster maps keys to slots with. */
function crc16(text: string): number {
  let crc = 0;
  for (const byte of Buffer.from(text)) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

/** The slot of `key`, honouring a non-empty `{hash tag}`. */
export function keySlot(key: string): number {
  const open = key.indexOf('{');
  const close = open === -1 ? -1 : key.indexOf('}', open + 1);
  return crc16(close > open + 1 ? key.slice(open + 1, close) : key) % 16_384;
}

/** Which primary (by port) serves each of the 16,384 slots, from a node's `CLUSTER NODES`. */
export async function slotOwners(cli: (port: number, ...args: string[]) => Promise<string>, port: number) {
  const owners = new Int32Array(16_384).fill(-1);
  const listing = await cli(port, 'CLUSTER', 'NODES');
  for (const line of listing.trim().split('\n')) {
    const [, address, flags, , , , , , ...ranges] = line.split(' ');
    if (!flags?.includes('master') || flags.includes('fail')) continue;
    const port = Number(address?.split('@')[0]?.split(':')[1]);
    for (const range of ranges) {
      const [from, to = from] = range.split('-').map(Number) as [number, number?];
      if (Number.isInteger(from)) owners.fill(port, from, (to as number) + 1);
    }
  }
  return owners;
}
