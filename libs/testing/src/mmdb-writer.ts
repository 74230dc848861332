import { randomBytes } from 'node:crypto';
import { rename, unlink, writeFile } from 'node:fs/promises';
import { isIPv4, isIPv6 } from 'node:net';

/**
 * A writer for MaxMind DB files (format 2.0, https://maxmind.github.io/MaxMind-DB/), so tests can
 * build small GeoIP2/GeoLite2-shaped databases from a few records instead of shipping binary
 * fixtures. No npm writer exists that we can depend on; this one is checked against the `maxmind`
 * reader in its own spec.
 *
 * The tree is always IPv6 (ip_version 6), with IPv4 networks in the ::/96 subtree and
 * ::ffff:0:0/96 aliased to it, as MaxMind's own databases do. The most specific network containing
 * an address wins regardless of record order; for identical networks the later record wins.
 */
export interface MmdbSpec {
  readonly databaseType: string;
  /** Stored as `{ en: description }` when a string. */
  readonly description?: string | Readonly<Record<string, string>>;
  readonly languages?: readonly string[];
  /** Seconds since the Unix epoch; defaults to now. */
  readonly buildEpoch?: number;
  /** Bits per search-tree record; the reader supports all three. Defaults to 28. */
  readonly recordSize?: 24 | 28 | 32;
  /** Make ::ffff:a.b.c.d resolve like a.b.c.d (MaxMind's databases do). Defaults to true. */
  readonly aliasIpv4Mapped?: boolean;
  readonly records: ReadonlyArray<{ readonly network: string; readonly data: MmdbValue }>;
}

export type MmdbNumericType = 'double' | 'float' | 'uint16' | 'uint32' | 'int32' | 'uint64' | 'uint128';

/** A number stored with an explicit MaxMind DB type (see {@link mmdb}). */
export class MmdbTypedNumber {
  constructor(
    readonly type: MmdbNumericType,
    readonly value: number | bigint,
  ) {}
}

/**
 * A value of the data section. Plain numbers are typed by value: integers 0..2^32-1 as uint32
 * (read back as numbers), larger ones as uint64 (read back as bigint), negative integers as int32,
 * anything else as double. A bigint is uint64 (uint128 when it does not fit); a Uint8Array is bytes.
 * Use {@link double} or the {@link mmdb} helpers to force a type, e.g. `double(51)` for a latitude.
 */
export type MmdbValue =
  string | number | bigint | boolean | Uint8Array | MmdbTypedNumber | readonly MmdbValue[] | MmdbMap;

export interface MmdbMap {
  readonly [key: string]: MmdbValue;
}

/** Forces a double, e.g. for a whole-number latitude (51 would otherwise be stored as uint32). */
export function double(value: number): MmdbTypedNumber {
  return new MmdbTypedNumber('double', value);
}

/** Explicitly typed numbers; see {@link MmdbValue} for how plain numbers are typed. */
export const mmdb = {
  double,
  float: (value: number) => new MmdbTypedNumber('float', value),
  uint16: (value: number) => new MmdbTypedNumber('uint16', value),
  uint32: (value: number) => new MmdbTypedNumber('uint32', value),
  int32: (value: number) => new MmdbTypedNumber('int32', value),
  uint64: (value: number | bigint) => new MmdbTypedNumber('uint64', value),
  uint128: (value: number | bigint) => new MmdbTypedNumber('uint128', value),
} as const;

/** Serialises `spec` into the bytes of a MaxMind DB file. */
export function buildMmdb(spec: MmdbSpec): Buffer {
  const recordSize = spec.recordSize ?? 28;
  if (recordSize !== 24 && recordSize !== 28 && recordSize !== 32) {
    throw new Error(`unsupported record size ${String(recordSize)}`);
  }

  const data = new DataSection();
  const root = new TrieNode(EMPTY, EMPTY);
  const networks = spec.records.map((record, index) => ({
    ...parseNetwork(record.network),
    data: data.add(record.data),
    index,
  }));
  // Shorter prefixes first, so a more specific network always splits the one that contains it.
  networks.sort((a, b) => a.prefixLength - b.prefixLength || a.index - b.index);
  for (const network of networks) insert(root, network.bits, network.prefixLength, network.data);
  if ((spec.aliasIpv4Mapped ?? true) && networks.some((network) => network.ipv4)) {
    aliasIpv4Mapped(root);
  }

  const nodes = numberNodes(root);
  const nodeCount = nodes.length;
  const recordValue = (child: Child): number => {
    if (child instanceof TrieNode) return child.id;
    if (child === EMPTY) return nodeCount;
    return nodeCount + DATA_SECTION_SEPARATOR.length + child;
  };
  const maxRecord = nodeCount + DATA_SECTION_SEPARATOR.length + data.length;
  if (maxRecord >= 2 ** recordSize) {
    throw new Error(`database too large for record size ${recordSize}; use a larger recordSize`);
  }

  const nodeBytes = recordSize / 4;
  const tree = Buffer.alloc(nodeCount * nodeBytes);
  for (const node of nodes) {
    writeNode(tree, node.id * nodeBytes, recordSize, recordValue(node.left), recordValue(node.right));
  }

  const description =
    typeof spec.description === 'string' ? { en: spec.description } : (spec.description ?? {});
  const metadata = encode({
    binary_format_major_version: mmdb.uint16(2),
    binary_format_minor_version: mmdb.uint16(0),
    build_epoch: mmdb.uint64(spec.buildEpoch ?? Math.floor(Date.now() / 1000)),
    database_type: spec.databaseType,
    description,
    ip_version: mmdb.uint16(6),
    languages: spec.languages ?? [],
    node_count: mmdb.uint32(nodeCount),
    record_size: mmdb.uint16(recordSize),
  });

  return Buffer.concat([tree, DATA_SECTION_SEPARATOR, data.bytes(), METADATA_START_MARKER, metadata]);
}

/**
 * Writes the database to `path` by renaming a finished temporary file over it: a reader watching
 * the path (maxmind's `watchForUpdates`) must never load a half-written file.
 */
export async function writeMmdb(path: string, spec: MmdbSpec): Promise<void> {
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temporary, buildMmdb(spec));
    await rename(temporary, path);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
}

const DATA_SECTION_SEPARATOR = Buffer.alloc(16);
const METADATA_START_MARKER = Buffer.from('\xAB\xCD\xEFMaxMind.com', 'latin1');

// ---------------------------------------------------------------------------------------------
// Search tree

/** A child is a subtree, an offset into the data section, or nothing. */
type Child = TrieNode | number | typeof EMPTY;
const EMPTY = null;

class TrieNode {
  id = -1;
  constructor(
    public left: Child,
    public right: Child,
  ) {}
}

interface Network {
  /** 16 bytes; IPv4 networks sit in ::/96. */
  readonly bits: Uint8Array;
  /** In the 128-bit tree. */
  readonly prefixLength: number;
  readonly ipv4: boolean;
}

function bitAt(bits: Uint8Array, index: number): 0 | 1 {
  return ((bits[index >> 3] >> (7 ^ (index & 7))) & 1) as 0 | 1;
}

function child(node: TrieNode, bit: 0 | 1): Child {
  return bit ? node.right : node.left;
}

function setChild(node: TrieNode, bit: 0 | 1, value: Child): void {
  if (bit) node.right = value;
  else node.left = value;
}

/** The node at depth `depth` on the path of `bits`, splitting any record that covers it. */
function descend(root: TrieNode, bits: Uint8Array, depth: number): TrieNode {
  let node = root;
  for (let i = 0; i < depth; i++) {
    const bit = bitAt(bits, i);
    let next = child(node, bit);
    if (!(next instanceof TrieNode)) {
      // The new node inherits what covered the whole range, so the rest of it keeps that answer.
      next = new TrieNode(next, next);
      setChild(node, bit, next);
    }
    node = next;
  }
  return node;
}

function insert(root: TrieNode, bits: Uint8Array, prefixLength: number, value: number): void {
  if (prefixLength === 0) {
    root.left = value;
    root.right = value;
    return;
  }
  setChild(descend(root, bits, prefixLength - 1), bitAt(bits, prefixLength - 1), value);
}

/** Points ::ffff:0:0/96 at whatever answers ::/96 (the IPv4 subtree). */
function aliasIpv4Mapped(root: TrieNode): void {
  let ipv4: Child = root;
  for (let i = 0; i < 96 && ipv4 instanceof TrieNode; i++) ipv4 = ipv4.left;
  const mapped = new Uint8Array(16);
  mapped[10] = 0xff;
  mapped[11] = 0xff;
  setChild(descend(root, mapped, 95), 1, ipv4);
}

/** Breadth-first numbering from the root (node 0); an aliased subtree is numbered once. */
function numberNodes(root: TrieNode): TrieNode[] {
  const nodes = [root];
  root.id = 0;
  for (let i = 0; i < nodes.length; i++) {
    for (const next of [nodes[i].left, nodes[i].right]) {
      if (next instanceof TrieNode && next.id < 0) {
        next.id = nodes.length;
        nodes.push(next);
      }
    }
  }
  return nodes;
}

function writeNode(
  tree: Buffer,
  offset: number,
  recordSize: 24 | 28 | 32,
  left: number,
  right: number,
): void {
  switch (recordSize) {
    case 24:
      tree.writeUIntBE(left, offset, 3);
      tree.writeUIntBE(right, offset + 3, 3);
      return;
    case 28:
      // The middle byte holds the top nibble of each record: left's high, right's low.
      tree.writeUIntBE(left & 0xffffff, offset, 3);
      tree[offset + 3] = ((left >>> 24) << 4) | (right >>> 24);
      tree.writeUIntBE(right & 0xffffff, offset + 4, 3);
      return;
    case 32:
      tree.writeUInt32BE(left, offset);
      tree.writeUInt32BE(right, offset + 4);
      return;
  }
}

function parseNetwork(network: string): Network {
  const slash = network.indexOf('/');
  const address = slash < 0 ? network : network.slice(0, slash);
  const bits = new Uint8Array(16);
  let ipv4: boolean;
  let width: number;
  if (isIPv4(address)) {
    bits.set(parseIpv4(address), 12);
    ipv4 = true;
    width = 32;
  } else if (isIPv6(address) && !address.includes('%')) {
    bits.set(parseIpv6(address));
    ipv4 = false;
    width = 128;
  } else {
    throw new Error(`invalid network ${JSON.stringify(network)}`);
  }
  const suffix = slash < 0 ? String(width) : network.slice(slash + 1);
  const length = Number(suffix);
  if (!/^\d{1,3}$/.test(suffix) || length > width) {
    throw new Error(`invalid prefix length in ${JSON.stringify(network)}`);
  }
  const prefixLength = ipv4 ? 96 + length : length;
  for (let i = prefixLength; i < 128; i++) {
    if (bitAt(bits, i)) throw new Error(`network ${network} has host bits set`);
  }
  // ::ffff:a.b.c.d/n is the IPv4 network a.b.c.d/(n-96): it lives in ::/96, which the alias reaches.
  if (!ipv4 && prefixLength >= 96 && isIpv4MappedPrefix(bits)) {
    bits.fill(0, 0, 12);
    ipv4 = true;
  }
  return { bits, prefixLength, ipv4 };
}

function isIpv4MappedPrefix(bits: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (bits[i] !== 0) return false;
  return bits[10] === 0xff && bits[11] === 0xff;
}

function parseIpv4(address: string): number[] {
  return address.split('.').map(Number);
}

function parseIpv6(address: string): Uint8Array {
  const groups = (part: string): number[] => {
    if (part === '') return [];
    const result: number[] = [];
    for (const group of part.split(':')) {
      if (group.includes('.')) {
        const [a, b, c, d] = parseIpv4(group);
        result.push((a << 8) | b, (c << 8) | d);
      } else {
        result.push(parseInt(group, 16));
      }
    }
    return result;
  };
  const gap = address.indexOf('::');
  const head = groups(gap < 0 ? address : address.slice(0, gap));
  const tail = gap < 0 ? [] : groups(address.slice(gap + 2));
  const all = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  const bytes = new Uint8Array(16);
  all.forEach((group, i) => {
    bytes[i * 2] = group >> 8;
    bytes[i * 2 + 1] = group & 0xff;
  });
  return bytes;
}

// ---------------------------------------------------------------------------------------------
// Data section

/** Appends each distinct value once and hands out its offset. */
class DataSection {
  private readonly chunks: Buffer[] = [];
  private readonly offsets = new Map<string, number>();
  length = 0;

  add(value: MmdbValue): number {
    const encoded = encode(value);
    const key = encoded.toString('latin1');
    const known = this.offsets.get(key);
    if (known !== undefined) return known;
    const offset = this.length;
    this.offsets.set(key, offset);
    this.chunks.push(encoded);
    this.length += encoded.length;
    return offset;
  }

  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

/** Field types of the data section (the spec's numbering; 8 and above are "extended"). */
const Type = {
  Utf8String: 2,
  Double: 3,
  Bytes: 4,
  Uint16: 5,
  Uint32: 6,
  Map: 7,
  Int32: 8,
  Uint64: 9,
  Uint128: 10,
  Array: 11,
  Boolean: 14,
  Float: 15,
} as const;
type Type = (typeof Type)[keyof typeof Type];

function encode(value: MmdbValue): Buffer {
  if (typeof value === 'string') return field(Type.Utf8String, Buffer.from(value, 'utf8'));
  if (typeof value === 'boolean') return control(Type.Boolean, value ? 1 : 0);
  if (typeof value === 'bigint') return encodeNumber(value < 2n ** 64n ? 'uint64' : 'uint128', value);
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) return encodeNumber('double', value);
    if (value < 0) return encodeNumber('int32', value);
    return encodeNumber(value <= 0xffffffff ? 'uint32' : 'uint64', value);
  }
  if (value instanceof MmdbTypedNumber) return encodeNumber(value.type, value.value);
  if (value instanceof Uint8Array) return field(Type.Bytes, Buffer.from(value));
  if (Array.isArray(value)) {
    const items = value as readonly MmdbValue[];
    return Buffer.concat([control(Type.Array, items.length), ...items.map(encode)]);
  }
  const entries = Object.entries(value as MmdbMap);
  return Buffer.concat([
    control(Type.Map, entries.length),
    ...entries.flatMap(([key, item]) => [encode(key), encode(item)]),
  ]);
}

function encodeNumber(type: MmdbNumericType, value: number | bigint): Buffer {
  switch (type) {
    case 'double': {
      const payload = Buffer.alloc(8);
      payload.writeDoubleBE(Number(value));
      return field(Type.Double, payload);
    }
    case 'float': {
      const payload = Buffer.alloc(4);
      payload.writeFloatBE(Number(value));
      return field(Type.Float, payload);
    }
    case 'uint16':
      return field(Type.Uint16, unsigned(value, 2, type));
    case 'uint32':
      return field(Type.Uint32, unsigned(value, 4, type));
    case 'uint64':
      return field(Type.Uint64, unsigned(value, 8, type));
    case 'uint128':
      return field(Type.Uint128, unsigned(value, 16, type));
    case 'int32': {
      const n = Number(value);
      if (!Number.isInteger(n) || n < -(2 ** 31) || n >= 2 ** 31)
        throw new RangeError(`${n} is not an int32`);
      if (n >= 0) return field(Type.Int32, unsigned(n, 4, type));
      // Negative values need all four bytes: readers sign-extend only a full-width int32.
      const payload = Buffer.alloc(4);
      payload.writeInt32BE(n);
      return field(Type.Int32, payload);
    }
  }
}

/** Big-endian with leading zero bytes dropped, as the format allows (0 is an empty payload). */
function unsigned(value: number | bigint, maxBytes: number, type: string): Buffer {
  if (typeof value === 'number' && !Number.isSafeInteger(value)) {
    throw new RangeError(`${value} is not an integer that can be stored exactly as ${type}`);
  }
  let n = BigInt(value);
  if (n < 0n || n >= 1n << BigInt(maxBytes * 8)) throw new RangeError(`${value} does not fit ${type}`);
  const bytes: number[] = [];
  for (; n > 0n; n >>= 8n) bytes.unshift(Number(n & 0xffn));
  return Buffer.from(bytes);
}

function field(type: Type, payload: Buffer): Buffer {
  return Buffer.concat([control(type, payload.length), payload]);
}

/**
 * The control byte: type in the top three bits (0 = extended, the type minus 7 in the next byte),
 * size in the low five, with sizes from 29 up spilling into one to three following bytes.
 */
function control(type: Type, size: number): Buffer {
  const bytes: number[] = [];
  let sizeBits: number;
  let extra: number[] = [];
  if (size < 29) {
    sizeBits = size;
  } else if (size < 29 + 256) {
    sizeBits = 29;
    extra = [size - 29];
  } else if (size < 285 + 65_536) {
    sizeBits = 30;
    extra = [(size - 285) >> 8, (size - 285) & 0xff];
  } else if (size < 65_821 + 16_777_216) {
    sizeBits = 31;
    const rest = size - 65_821;
    extra = [rest >> 16, (rest >> 8) & 0xff, rest & 0xff];
  } else {
    throw new RangeError(`field of ${size} bytes is too large`);
  }
  if (type <= 7) {
    bytes.push((type << 5) | sizeBits);
  } else {
    bytes.push(sizeBits, type - 7);
  }
  return Buffer.from([...bytes, ...extra]);
}
