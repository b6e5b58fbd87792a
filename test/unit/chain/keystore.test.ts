// Encrypted key files (chain/keystore.ts): round trip, wrong passphrase, tampering, bounded KDF cost.
import { expect } from 'chai'
import { keyPairFromSeed } from '../../../chain/crypto.js'
import { ChainError } from '../../../chain/errors.js'
import { toHex } from '../../../chain/hex.js'
import { type EncryptedKeyFile, decryptKeyFile, encryptKeyPair, parseEncryptedKeyFile } from '../../../chain/keystore.js'

const kp = keyPairFromSeed('keystore-test')
const other = keyPairFromSeed('keystore-other')
const codeOf = (fn: () => unknown): string => {
  try { fn() } catch (e) { if (e instanceof ChainError) return e.code; throw e }
  return 'OK'
}
const clone = (f: EncryptedKeyFile): EncryptedKeyFile => JSON.parse(JSON.stringify(f)) as EncryptedKeyFile

describe('chain/keystore', () => {
  const file = encryptKeyPair(kp, 'a good passphrase', 10)

  it('writes version 2 with the public key in clear and no secret in clear', () => {
    expect(file.version).to.equal(2)
    expect(file.publicKey).to.equal(toHex(kp.publicKey))
    expect(JSON.stringify(file)).not.to.contain(toHex(kp.secretKey))
    expect(file.crypto).to.include({ cipher: 'aes-256-gcm', kdf: 'scrypt' })
    expect(file.crypto.kdfparams.n).to.equal(1024)
  })

  it('opens with the right passphrase, after a JSON round trip', () => {
    const back = decryptKeyFile(parseEncryptedKeyFile(clone(file), 'k.json'), 'a good passphrase', 'k.json')
    expect(toHex(back.secretKey)).to.equal(toHex(kp.secretKey))
    expect(toHex(back.publicKey)).to.equal(toHex(kp.publicKey))
  })

  it('refuses a wrong passphrase, a swapped public key and an altered ciphertext with KEYFILE_BAD_PASSPHRASE', () => {
    expect(codeOf(() => decryptKeyFile(file, 'a bad passphrase', 'k.json'))).to.equal('KEYFILE_BAD_PASSPHRASE')
    const swapped = clone(file)
    swapped.publicKey = toHex(other.publicKey)
    expect(codeOf(() => decryptKeyFile(swapped, 'a good passphrase', 'k.json'))).to.equal('KEYFILE_BAD_PASSPHRASE')
    const altered = clone(file)
    altered.crypto.ciphertext = (altered.crypto.ciphertext[0] === '0' ? '1' : '0') + altered.crypto.ciphertext.slice(1)
    expect(codeOf(() => decryptKeyFile(altered, 'a good passphrase', 'k.json'))).to.equal('KEYFILE_BAD_PASSPHRASE')
  })

  it('refuses malformed files and KDF costs outside the bounds with KEYFILE_BAD_FORMAT', () => {
    const set = (f: (x: EncryptedKeyFile) => void): EncryptedKeyFile => { const c = clone(file); f(c); return c }
    const bad = [
      set(x => { x.crypto.kdfparams.n = 2 ** 21 }),
      set(x => { x.crypto.kdfparams.n = 1000 }),
      set(x => { x.crypto.kdfparams.r = 64 }),
      set(x => { x.crypto.iv = 'zz' }),
      set(x => { (x.crypto as { cipher: string }).cipher = 'aes-128-cbc' }),
      set(x => { x.publicKey = 'nothex' })
    ]
    for (const f of bad) expect(codeOf(() => parseEncryptedKeyFile(f, 'k.json'))).to.equal('KEYFILE_BAD_FORMAT')
    expect(codeOf(() => parseEncryptedKeyFile({ version: 3 }, 'k.json'))).to.equal('KEYFILE_BAD_FORMAT')
  })

  it('uses a fresh salt and nonce per file', () => {
    const again = encryptKeyPair(kp, 'a good passphrase', 10)
    expect(again.crypto.kdfparams.salt).not.to.equal(file.crypto.kdfparams.salt)
    expect(again.crypto.iv).not.to.equal(file.crypto.iv)
  })
})
