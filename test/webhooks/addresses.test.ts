import t from 'tap'
import { isPublicAddress } from '../../src/modules/webhooks/addresses.ts'
import { guardedLookup, RefusedAddressError, signature, urlRefusal } from '../../src/modules/webhooks/delivery.ts'
import { retryDelayMs } from '../../src/modules/webhooks/worker.ts'

t.test('public and non-public addresses, IPv4 and IPv6', async (t) => {
  const notPublic = [
    '0.0.0.0',
    '10.0.0.1',
    '100.64.1.1',
    '127.0.0.1',
    '127.255.255.254',
    '169.254.169.254',
    '172.16.0.1',
    '172.31.255.255',
    '192.0.2.10',
    '192.168.0.1',
    '198.18.0.1',
    '224.0.0.1',
    '255.255.255.255',
    '::',
    '::1',
    '[::1]',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:10.0.0.1',
    '::127.0.0.1',
    '64:ff9b::a9fe:a9fe',
    '2002:c0a8:0101::1',
    'fc00::1',
    'fd12:3456::1',
    'fe80::1',
    'fe80::1%eth0',
    'fec0::1',
    'ff02::1',
    '2001:db8::1',
    '100::1',
    'example.com',
    ''
  ]
  for (const address of notPublic) t.notOk(isPublicAddress(address), `${address} is not public`)
  const publicOnes = [
    '93.184.215.14',
    '8.8.8.8',
    '172.32.0.1',
    '192.169.0.1',
    '2606:4700::6810:84e5',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808',
    '2002:0808:0808::1'
  ]
  for (const address of publicOnes) t.ok(isPublicAddress(address), `${address} is public`)
})

t.test('URLs judged before resolving', async (t) => {
  const strict = { allowPrivateNetworks: false }
  const open = { allowPrivateNetworks: true }
  t.equal(urlRefusal('https://hooks.example.com/x', strict), undefined)
  t.match(urlRefusal('http://hooks.example.com/x', strict), /https/)
  t.equal(urlRefusal('http://127.0.0.1:8080/x', open), undefined, 'allowed with the setting')
  t.match(urlRefusal('ftp://hooks.example.com/x', open), /http or https/)
  t.match(urlRefusal('https://a:b@hooks.example.com/x', open), /user name or password/)
  t.match(urlRefusal('not a url', strict), /not a URL/)
  t.match(urlRefusal('https://0x7f.1/x', strict), /private/, 'numeric forms the URL parser normalises')
})

t.test('names are resolved at delivery time and refused when any address is not public', async (t) => {
  const resolve = (all: boolean) =>
    new Promise<{ error: Error | null; result: unknown }>((done) =>
      guardedLookup('localhost', { all }, (error: Error | null, result: unknown) => done({ error, result }))
    )
  for (const all of [false, true]) {
    const { error } = await resolve(all)
    t.type(error, RefusedAddressError, `localhost is refused (all: ${all})`)
    t.match(error?.message, /localhost resolves to (127\.0\.0\.1|::1), which is not a public address/)
  }
})

t.test('signatures as Standard Webhooks computes them', async (t) => {
  // The example of the Standard Webhooks reference libraries.
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
  const id = 'msg_p5jXN8AQM9LWM0D4loKWxJek'
  const timestamp = 1614265330
  const body = '{"test": 2432232314}'
  t.equal(signature(secret, id, timestamp, body), 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=')
})

t.test('retries back off exponentially, with jitter, up to four hours', async (t) => {
  t.equal(
    retryDelayMs(1, () => 0.5),
    30_000
  )
  t.equal(
    retryDelayMs(2, () => 0.5),
    60_000
  )
  t.equal(
    retryDelayMs(5, () => 0.5),
    480_000
  )
  t.equal(
    retryDelayMs(30, () => 0.5),
    4 * 3600_000
  )
  t.equal(
    retryDelayMs(1, () => 0),
    22_500
  )
  t.equal(
    retryDelayMs(1, () => 0.999_999),
    37_500
  )
  let total = 0
  let attempts = 0
  while (total < 24 * 3600_000) total += retryDelayMs(++attempts, () => 0.5)
  t.ok(attempts <= 20, `${attempts} attempts in the first 24 hours`)
})
