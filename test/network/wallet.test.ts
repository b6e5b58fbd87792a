// `tau-node wallet` as a user runs it: a real mining node process on 127.0.0.1 (UDP DHT, LevelDB in a
// temp dir) started from an encrypted key file, and every wallet command as its own child process.
// Only the miner has power, so it mines alone and start-up votes sample nobody; the two users A
// (encrypted key file) and B (plain) never mine, so their balances move by exactly amount and fee.
import { expect } from 'chai'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { keyPairFromSeed, writeKeyFile, writeSecretJsonFile } from '../../chain/crypto.js'
import { buildGenesis, genesisToJson } from '../../chain/genesis.js'
import { toHex } from '../../chain/hex.js'
import { encryptKeyPair } from '../../chain/keystore.js'
import { createTransfer, encodeTx } from '../../chain/tx.js'
import { type NodeProc, apiUrlOf, logged, runCli, startNodeProcess, stopProcess } from '../helpers/cli.js'
import { makeTmpDir, removeDir } from '../helpers/tmp.js'
import { waitFor } from '../helpers/wait.js'

const T = 10
const PASS = 'correct horse battery'
const miner = keyPairFromSeed('wallet-test-miner')
const A = keyPairFromSeed('wallet-test-a')
const B = keyPairFromSeed('wallet-test-b')
const hex = (k: { publicKey: Uint8Array }): string => toHex(k.publicKey)
/** Deadline for n blocks at the liveness bound (9T/5), twice, plus a margin for a loaded machine. */
const blocksMs = (n: number): number => 60_000 + 2 * n * Math.floor(9 * T / 5) * 1000

interface Acct { balance: string, nonce: number, power: number, nextNonce: number, pooledTxs: number }

describe('wallet: a miner and two users on 127.0.0.1 (real processes)', function () {
  this.timeout(10 * 60_000)
  let dir: string
  let node: NodeProc | undefined
  let api = ''
  let keyA = ''
  let keyB = ''
  let genesisPath = ''
  const genesis = buildGenesis({
    name: 'wallettest', timestamp: Math.floor(Date.now() / 1000), blockTime: T, mutableRange: 1, minFee: 2, blockReward: 10,
    accounts: [
      { pubkey: miner.publicKey, balance: 1_000_000, power: 1_000_000 },
      { pubkey: A.publicKey, balance: 5_000_000, power: 0 },
      { pubkey: B.publicKey, balance: 1_000_000, power: 0 }
    ]
  })
  const wallet = async (args: string[], o: { key?: string, pass?: string, timeoutMs?: number } = {}) =>
    await runCli(['wallet', ...args, '--api', api, '--key-file', o.key ?? keyA], { env: o.pass === undefined ? { TAU_KEY_PASSPHRASE: PASS } : o.pass === '' ? {} : { TAU_KEY_PASSPHRASE: o.pass }, timeoutMs: o.timeoutMs })
  const account = async (k: { publicKey: Uint8Array }): Promise<Acct> => await (await fetch(`${api}/account/${hex(k)}`)).json() as Acct
  const admin = async (path: string): Promise<void> => {
    const token = (await import('node:fs')).readFileSync(join(dir, 'node', 'admin-token'), 'utf8').trim()
    const r = await fetch(`${api}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}` } })
    expect(r.status).to.equal(200)
  }
  const describeNode = (): string => node?.out.slice(-20).join('\n') ?? ''

  before(async () => {
    dir = makeTmpDir('tau-wallet-')
    genesisPath = join(dir, 'genesis.json')
    writeFileSync(genesisPath, JSON.stringify(genesisToJson(genesis.config)))
    // Test files use a low scrypt cost (2^12) to keep the suite fast; the format carries it.
    writeSecretJsonFile(join(dir, 'miner.json'), encryptKeyPair(miner, PASS, 12))
    writeSecretJsonFile(keyA = join(dir, 'a.json'), encryptKeyPair(A, PASS, 12))
    writeKeyFile(keyB = join(dir, 'b.json'), B)
  })

  after(async () => {
    await stopProcess(node)
    if (dir !== undefined) removeDir(dir)
  })

  it('start refuses the encrypted key file with a wrong passphrase, as one coded line', async () => {
    const bad = startNodeProcess(['--data-dir', join(dir, 'node'), '--genesis', genesisPath, '--key-file', join(dir, 'miner.json'), '--dht-port', '0', '--api-port', '0'], { env: { TAU_KEY_PASSPHRASE: 'not the passphrase' } })
    expect((await bad.exit).code).to.equal(1)
    const text = bad.out.join('\n')
    expect(text).to.contain('KEYFILE_BAD_PASSPHRASE')
    expect(logged(bad, 'node stopped'), 'no "node stopped" for a node that never started').to.equal(false)
    expect(text).not.to.match(/\n\s+at /)
  })

  it('start with the right passphrase runs and mines with the encrypted key', async () => {
    node = startNodeProcess(['--data-dir', join(dir, 'node'), '--genesis', genesisPath, '--key-file', join(dir, 'miner.json'), '--dht-port', '0', '--api-port', '0', '--mine'], { env: { TAU_KEY_PASSPHRASE: PASS } })
    api = await waitFor(() => apiUrlOf(node as NodeProc), { timeoutMs: 60_000, what: 'the API to listen', describe: describeNode })
    await waitFor(async () => {
      const tip = await (await fetch(`${api}/blocks/tip`)).json() as { height: number, miner: string }
      return tip.height >= 1 && tip.miner === hex(miner)
    }, { timeoutMs: blocksMs(1), intervalMs: 500, what: 'a block mined by the encrypted key', describe: describeNode })
  })

  it('refuses a fee below the minimum and an overdraft before submitting anything, with their codes', async () => {
    const before = await account(A)
    const low = await wallet(['send', '--to', hex(B), '--amount', '10', '--fee', '1'])
    expect(low.code).to.equal(5)
    expect(low.stderr).to.contain('WALLET_FEE_TOO_LOW')
    const over = await wallet(['send', '--to', hex(B), '--amount', '5000000', '--fee', '2', '--json'])
    expect(over.code).to.equal(5)
    expect(over.stderr).to.contain('WALLET_INSUFFICIENT_BALANCE').and.to.contain('5,000,000').and.to.contain('5,000,002')
    expect(JSON.parse(over.stdout).error).to.include({ code: 'WALLET_INSUFFICIENT_BALANCE', balance: '5000000', cost: '5000002' })
    const gap = await wallet(['send', '--to', hex(B), '--amount', '10', '--fee', '2', '--nonce', String(before.nextNonce + 1)])
    expect(gap.code).to.equal(5)
    expect(gap.stderr).to.contain('WALLET_NONCE_GAP')
    const after = await account(A)
    expect(after.pooledTxs).to.equal(0)
    expect(after.nonce).to.equal(before.nonce)
  })

  it('refuses a wrong passphrase (exit 4) and a missing one without a terminal; an unknown tx is exit 7', async () => {
    const wrong = await wallet(['send', '--to', hex(B), '--amount', '10'], { pass: 'wrong passphrase' })
    expect(wrong.code).to.equal(4)
    expect(wrong.stderr).to.contain('KEYFILE_BAD_PASSPHRASE')
    const none = await wallet(['note'], { pass: '' })
    expect(none.code).to.equal(4)
    expect(none.stderr).to.contain('KEYFILE_NO_PASSPHRASE')
    expect((await account(A)).pooledTxs).to.equal(0)
    const unknown = await wallet(['tx', '00'.repeat(32)])
    expect(unknown.code).to.equal(7)
    expect(unknown.stderr).to.contain('TX_NOT_FOUND')
    const down = await runCli(['wallet', 'balance', '--api', 'http://127.0.0.1:9', '--key-file', keyB])
    expect(down.code).to.equal(3)
    expect(down.stderr).to.contain('WALLET_NODE_UNREACHABLE')
  })

  it('send --wait: mined, both balances move by amount and fee, the sender gains one power', async () => {
    const a0 = await account(A)
    const b0 = await account(B)
    const r = await wallet(['send', '--to', hex(B), '--amount', '1234567', '--fee', 'auto', '--memo', 'first', '--wait', '--confirmations', '1', '--json'], { timeoutMs: blocksMs(3) })
    expect(r.code, r.stderr).to.equal(0)
    const out = JSON.parse(r.stdout)
    expect(out).to.include({ amount: '1234567', fee: '2', from: hex(A), to: hex(B) })
    expect(out.result.status).to.equal('mined')
    expect(out.result.confirmations).to.be.at.least(1)
    const a1 = await account(A)
    const b1 = await account(B)
    expect(BigInt(a0.balance) - BigInt(a1.balance)).to.equal(1234567n + 2n)
    expect(BigInt(b1.balance) - BigInt(b0.balance)).to.equal(1234567n)
    expect(a1.power).to.equal(a0.power + 1)
    expect(a1.nonce).to.equal(a0.nonce + 1)
    const tx = await wallet(['tx', out.id])
    expect(tx.code).to.equal(0)
    expect(tx.stdout).to.match(/mined at height \d+, \d+ confirmations?/)
    const bal = await wallet(['balance'])
    expect(bal.stdout).to.contain(`balance          ${(BigInt(a1.balance)).toLocaleString('en-US')}`).and.to.contain('power            1 ')
    const hist = await wallet(['history', hex(B), '--json'], { key: keyB })
    expect(JSON.parse(hist.stdout).txs[0].id).to.equal(out.id)
  })

  it('note --wait follows to final and grows power by one', async () => {
    const a0 = await account(A)
    const r = await wallet(['note', '--memo', 'power', '--wait'], { timeoutMs: blocksMs(8) })
    expect(r.code, r.stderr + r.stdout).to.equal(0)
    expect(r.stdout).to.match(/mined at height \d+/).and.to.match(/final: mined at height \d+/)
    const a1 = await account(A)
    expect(a1.power).to.equal(a0.power + 1)
    expect(BigInt(a0.balance) - BigInt(a1.balance)).to.equal(2n)
  })

  it('bump replaces a pending transaction; the replaced one reports "replaced"; a full sender share is refused', async () => {
    await admin('/mining/stop')
    try {
      // The first send waits; the bump replaces what it waits for, so it must exit 8 with the reason.
      const waiting = wallet(['send', '--to', hex(B), '--amount', '100', '--fee', '2', '--wait', '--timeout', '120'], { timeoutMs: 180_000 })
      const first = await waitFor(async () => {
        const r = await (await fetch(`${api}/pool/txs?sender=${hex(A)}`)).json() as { txs: Array<{ id: string, nonce: number, amount: string }> }
        return r.txs[0]
      }, { timeoutMs: 60_000, what: 'the waiting send to be pooled', describe: describeNode })
      expect(first.amount).to.equal('100')
      const oldId = first.id
      const same = await wallet(['bump', oldId, '--fee', '2'])
      expect(same.code).to.equal(5)
      expect(same.stderr).to.contain('WALLET_FEE_NOT_HIGHER')
      const bumped = await wallet(['bump', oldId, '--fee', '9', '--json'])
      expect(bumped.code, bumped.stderr).to.equal(0)
      const b = JSON.parse(bumped.stdout)
      expect(b).to.include({ replaces: oldId, fee: '9', amount: '100', nonce: first.nonce })
      const oldStatus = await wallet(['tx', oldId, '--json'])
      expect(oldStatus.code).to.equal(8)
      expect(JSON.parse(oldStatus.stdout)).to.include({ status: 'dropped', reason: 'replaced', by: b.id })
      const waited = await waiting
      expect(waited.code, waited.stderr).to.equal(8)
      expect(waited.stderr).to.contain('WALLET_TX_DROPPED').and.to.contain('replaced')
      // Fill A's pool share (16) through the API, then the wallet refuses the 17th itself.
      const acct = await account(A)
      const chainId = genesis.chainId
      for (let n = acct.nextNonce; n < acct.nonce + 17; n++) {
        const t = createTransfer(A.secretKey, A.publicKey, { chainId, to: B.publicKey, amount: 1, fee: 2, nonce: n, timestamp: Math.floor(Date.now() / 1000) })
        const res = await fetch(`${api}/tx`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tx: toHex(encodeTx(t)) }) })
        expect(res.status).to.equal(200)
      }
      const full = await wallet(['send', '--to', hex(B), '--amount', '1', '--fee', '2'])
      expect(full.code).to.equal(5)
      expect(full.stderr).to.contain('WALLET_POOL_SENDER_FULL')
      const est = await (await fetch(`${api}/fees/estimate`)).json() as { fee: string, minFee: string, nextBlockTxs: number }
      expect(est.minFee).to.equal('2')
      expect(est.nextBlockTxs).to.equal(16)
      expect(est.fee).to.equal('3') // 16 picks fill the block; the lowest is 2, so 3 gets in
    } finally {
      await admin('/mining/start')
    }
    await waitFor(async () => (await account(A)).pooledTxs === 0, { timeoutMs: blocksMs(4), intervalMs: 1000, what: "A's pending transactions to be mined", describe: describeNode })
  })

  it('send --offline signs without a node; broadcast later submits it and it is mined', async () => {
    const b0 = await account(B)
    const off = await runCli(['wallet', 'send', '--offline', '--nonce', String(b0.nextNonce), '--fee', '5', '--to', hex(A), '--amount', '777', '--key-file', keyB, '--genesis', genesisPath, '--api', 'http://127.0.0.1:9'], { cwd: dir })
    expect(off.code, off.stderr).to.equal(0)
    const signed = off.stdout.trim()
    expect(signed).to.match(/^[0-9a-f]+$/)
    expect((await account(B)).pooledTxs, 'nothing was submitted').to.equal(0)
    const r = await wallet(['broadcast', signed, '--wait', '--confirmations', '1'], { key: keyB, timeoutMs: blocksMs(3) })
    expect(r.code, r.stderr).to.equal(0)
    expect(r.stdout).to.match(/mined at height \d+/)
    const b1 = await account(B)
    expect(BigInt(b0.balance) - BigInt(b1.balance)).to.equal(777n + 5n)
    expect(b1.power).to.equal(b0.power + 1)
  })

  it('documents the fee estimate and tx status routes in /openapi.json', async () => {
    const doc = await (await fetch(`${api}/openapi.json`)).json() as { paths: Record<string, Record<string, unknown>> }
    expect(doc.paths['/fees/estimate']).to.have.property('get')
    expect(doc.paths['/tx/{id}/status']).to.have.property('get')
  })
})
