/** Textual IP addresses: dotted quad for IPv4, RFC 5952 canonical text for IPv6. */

export function formatIpv4(data: Uint8Array, offset: number): string {
  return `${data[offset]}.${data[offset + 1]}.${data[offset + 2]}.${data[offset + 3]}`;
}

/**
 * RFC 5952 §4: no leading zeros (§4.1), `::` replaces the longest run of two or more zero groups, the first
 * one on a tie (§4.2), lowercase hex (§4.3). §5: IPv4-mapped addresses (::ffff:0:0/96) end in dotted decimal.
 */
export function formatIpv6(data: Uint8Array, offset: number): string {
  const groups = readGroups(data, offset);
  if (isIpv4Mapped(groups)) return `::ffff:${formatIpv4(data, offset + 12)}`;
  const [runStart, runLength] = longestZeroRun(groups);
  if (runLength < 2) return groups.map(hex).join(':');
  const head = groups.slice(0, runStart).map(hex).join(':');
  const tail = groups
    .slice(runStart + runLength)
    .map(hex)
    .join(':');
  return `${head}::${tail}`;
}

function readGroups(data: Uint8Array, offset: number): number[] {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((data[offset + i]! << 8) | data[offset + i + 1]!);
  return groups;
}

function isIpv4Mapped(groups: number[]): boolean {
  for (let i = 0; i < 5; i++) if (groups[i] !== 0) return false;
  return groups[5] === 0xffff;
}

function longestZeroRun(groups: number[]): [start: number, length: number] {
  let bestStart = -1;
  let bestLength = 0;
  for (let i = 0; i < groups.length;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < groups.length && groups[j] === 0) j++;
    if (j - i > bestLength) [bestStart, bestLength] = [i, j - i];
    i = j;
  }
  return [bestStart, bestLength];
}

function hex(group: number): string {
  return group.toString(16);
}
