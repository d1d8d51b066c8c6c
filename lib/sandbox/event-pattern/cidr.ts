import { InvalidEventPatternError } from './errors';
import type { CidrBlock } from './types';

/** A parsed IP address: its family and its value as an unsigned integer. */
export interface IpAddress {
  readonly family: 4 | 6;
  readonly value: bigint;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const HEX_GROUP = /^[0-9A-Fa-f]{1,4}$/;

function parseIpv4(text: string): IpAddress | undefined {
  const octets = IPV4.exec(text);
  if (!octets) return undefined;
  let value = 0n;
  for (const octet of octets.slice(1)) {
    const n = Number(octet);
    if (n > 255) return undefined;
    value = (value << 8n) | BigInt(n);
  }
  return { family: 4, value };
}

function parseGroups(text: string): bigint[] | undefined {
  if (text === '') return [];
  const groups: bigint[] = [];
  for (const group of text.split(':')) {
    if (!HEX_GROUP.test(group)) return undefined;
    groups.push(BigInt(Number.parseInt(group, 16)));
  }
  return groups;
}

/**
 * Plain hex-group IPv6, with at most one `::`. Like Event Ruler, dotted IPv4 tails and zone
 * ids are not IPv6 literals here; such strings simply are not IP addresses.
 */
function parseIpv6(text: string): IpAddress | undefined {
  // split always yields a first part; a second one exists only where "::" was written.
  const [headText, tailText, ...more] = text.split('::') as [string, string?, ...string[]];
  if (more.length > 0) return undefined;
  const head = parseGroups(headText);
  const tail = tailText === undefined ? [] : parseGroups(tailText);
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  // "::" must stand for at least one group; without it the address must have all eight.
  if (tailText === undefined ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...Array.from({ length: missing }, () => 0n), ...tail];
  return { family: 6, value: groups.reduce((acc, group) => (acc << 16n) | group, 0n) };
}

/** Parses an IPv4 or IPv6 address literal; undefined when `text` is not one. */
export function parseIp(text: string): IpAddress | undefined {
  return parseIpv4(text) ?? parseIpv6(text);
}

/**
 * Validates and compiles a `cidr` operand such as `10.0.0.0/24` or `2001:db8::/32`.
 * Host bits in the base address are ignored, as in any CIDR notation.
 *
 * @param path - location of the operand, for error reasons.
 */
export function compileCidr(value: unknown, path: string): CidrBlock {
  if (typeof value !== 'string')
    throw new InvalidEventPatternError('cidr match pattern must be a string', path);
  const parts = value.split('/');
  if (parts.length !== 2) throw new InvalidEventPatternError("Malformed CIDR, one '/' required", path);
  const [base, mask] = parts as [string, string];
  if (!/^\d{1,3}$/.test(mask)) {
    throw new InvalidEventPatternError('Malformed CIDR, mask bits must be an integer', path);
  }
  const address = parseIp(base);
  if (!address) throw new InvalidEventPatternError(`Invalid IP address: ${base}`, path);
  const width = address.family === 4 ? 32n : 128n;
  const bits = BigInt(Number(mask));
  if (bits > width) {
    throw new InvalidEventPatternError(`IPv${address.family} mask bits must be <= ${width}`, path);
  }
  const hostMask = (1n << (width - bits)) - 1n;
  const first = address.value & ~hostMask;
  return { family: address.family, first, last: first | hostMask };
}

/** true when `text` is an IP address of the block's family inside the block. */
export function inCidr(block: CidrBlock, text: string): boolean {
  const address = parseIp(text);
  return address?.family === block.family && address.value >= block.first && address.value <= block.last;
}
