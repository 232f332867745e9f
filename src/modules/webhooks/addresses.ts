import { isIPv4, isIPv6 } from 'node:net'

/**
 * Whether an IP address is on the public internet, for the SSRF guard of webhook deliveries: false
 * for loopback, private (RFC 1918), carrier-grade NAT, link-local, unique-local, multicast,
 * documentation, benchmarking and reserved ranges, the unspecified address, and for IPv6 forms that
 * embed an IPv4 address (IPv4-mapped, IPv4-compatible, NAT64, 6to4) whose IPv4 address is not public.
 * Anything that is not an IP address is not public either.
 */
export function isPublicAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '')
  if (isIPv4(bare)) return isPublicIPv4(ipv4Bytes(bare))
  if (isIPv6(bare)) return isPublicIPv6(ipv6Bytes(bare))
  return false
}

const ipv4Bytes = (address: string) => address.split('.').map(Number)

/** [first octets..., prefix length] of the IPv4 ranges that are not public. */
const nonPublicIPv4: [number[], number][] = [
  [[0], 8], // "this network"
  [[10], 8], // private
  [[100, 64], 10], // carrier-grade NAT
  [[127], 8], // loopback
  [[169, 254], 16], // link-local (cloud metadata services live here)
  [[172, 16], 12], // private
  [[192, 0, 0], 24], // IETF protocol assignments
  [[192, 0, 2], 24], // documentation
  [[192, 88, 99], 24], // 6to4 relay anycast
  [[192, 168], 16], // private
  [[198, 18], 15], // benchmarking
  [[198, 51, 100], 24], // documentation
  [[203, 0, 113], 24], // documentation
  [[224], 4], // multicast
  [[240], 4] // reserved, and the broadcast address
]

function inPrefix(bytes: number[], prefix: number[], length: number): boolean {
  for (let bit = 0; bit < length; bit++) {
    const index = bit >> 3
    const mask = 0x80 >> (bit & 7)
    if (((bytes[index] ?? 0) & mask) !== ((prefix[index] ?? 0) & mask)) return false
  }
  return true
}

const isPublicIPv4 = (bytes: number[]) => !nonPublicIPv4.some(([prefix, length]) => inPrefix(bytes, prefix, length))

/** The 16 bytes of an IPv6 address (which `isIPv6` accepted), an embedded dotted IPv4 tail included. */
function ipv6Bytes(address: string): number[] {
  let text = address.replace(/%.*$/, '')
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)
  if (dotted?.[1]) {
    const [a = 0, b = 0, c = 0, d = 0] = ipv4Bytes(dotted[1])
    text = `${text.slice(0, -dotted[1].length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`
  }
  const [head = '', tail] = text.split('::')
  const groups = (part: string) => (part === '' ? [] : part.split(':').map((group) => Number.parseInt(group, 16)))
  const left = groups(head)
  const right = tail === undefined ? [] : groups(tail)
  const all = [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right]
  return all.flatMap((group) => [group >> 8, group & 0xff])
}

/** [first bytes..., prefix length] of IPv6 ranges that are not public and embed no IPv4 address. */
const nonPublicIPv6: [number[], number][] = [
  [[0x01, 0x00], 64], // discard-only
  [[0x20, 0x01, 0x0d, 0xb8], 32], // documentation
  [[0x20, 0x01, 0x00, 0x00], 23], // IETF protocol assignments (Teredo among them)
  [[0xfc], 7], // unique-local
  [[0xfe, 0x80], 10], // link-local
  [[0xfe, 0xc0], 10], // site-local (deprecated)
  [[0xff], 8] // multicast
]

function isPublicIPv6(bytes: number[]): boolean {
  const zeros = (from: number, to: number) => bytes.slice(from, to).every((byte) => byte === 0)
  // :: and ::1, then the forms that carry an IPv4 address: judged by that address.
  if (zeros(0, 15) && (bytes[15] ?? 0) <= 1) return false
  if (zeros(0, 10) && bytes[10] === 0xff && bytes[11] === 0xff) return isPublicIPv4(bytes.slice(12)) // ::ffff:a.b.c.d
  if (zeros(0, 12)) return isPublicIPv4(bytes.slice(12)) // ::a.b.c.d (deprecated IPv4-compatible)
  if (inPrefix(bytes, [0x00, 0x64, 0xff, 0x9b], 96)) return isPublicIPv4(bytes.slice(12)) // NAT64 64:ff9b::/96
  if (inPrefix(bytes, [0x20, 0x02], 16)) return isPublicIPv4(bytes.slice(2, 6)) // 6to4 2002::/16
  return !nonPublicIPv6.some(([prefix, length]) => inPrefix(bytes, prefix, length))
}
