// Write tokens computed once per host and secret. bittorrent-dht makes a token SHA-256(host ‖
// secret) for every `get` it answers and checks a put's token by computing the current and the
// previous secret's token again: in a put's round (k gets answered, then k puts checked, the
// handler and the library each checking) that is three or four hashes per node for the same
// bytes. The memo keys on the secret Buffer itself, so a rotated-out secret's tokens go with it;
// the tokens are the library's own, byte for byte.
import type DHT from 'bittorrent-dht'
import { MAX_TOKEN_MEMO_HOSTS } from './constants.js'

interface Secrets { _secrets: Buffer[] }

export function memoTokens (dht: DHT, maxHosts = MAX_TOKEN_MEMO_HOSTS): void {
  const generate = dht._generateToken.bind(dht)
  const bySecret = new WeakMap<Buffer, Map<string, Buffer>>()
  dht._generateToken = (host: string, secret?: Buffer): Buffer => {
    const s = secret ?? (dht as unknown as Secrets)._secrets[0]
    let tokens = bySecret.get(s)
    if (tokens === undefined) {
      tokens = new Map()
      bySecret.set(s, tokens)
    }
    let token = tokens.get(host)
    if (token === undefined) {
      token = generate(host, s)
      if (tokens.size >= maxHosts) tokens.clear()
      tokens.set(host, token)
    }
    return token
  }
}
