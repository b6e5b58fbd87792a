// `tau-node testnet --emit compose --nodes N [--dir D]`: instead of running a testnet here, write
// what runs it in containers: `compose.yaml` (one service per node, bootstrap by service name,
// each node started once the one before it is healthy, one named volume per node), the genesis,
// and one key file per node. The same file deploys to a Docker Swarm with `docker stack deploy`
// (docs/testnet.md): swarm ignores depends_on and reads the deploy: section, which compose ignores.
import { chownSync, existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { genesisToJson } from '../../chain/genesis.js'
import { toHex } from '../../chain/hex.js'
import { MIN_BLOCK_TIME_S } from '../../chain/constants.js'
import { DEFAULT_BLOCK_TIME_S, DEFAULT_MUTABLE_RANGE, MAX_NODES } from './constants.js'
import { testnetGenesis, testnetKeys } from './keys.js'
import { COMPOSE_DEFAULT_IMAGE, COMPOSE_DHT_PORT, COMPOSE_IMAGE_UID } from './composeConstants.js'

export const EMIT_HELP = `Usage: tau-node testnet --emit compose --nodes N [--dir D] [options]

Writes D/compose.yaml, D/genesis.json and D/keys/node-<i>.json for an N-miner testnet in containers:
  docker compose -f D/compose.yaml up -d        (or docker-compose)
  docker stack deploy -c D/compose.yaml tau     (Docker Swarm, one or many machines)
Options:
  --nodes N            number of nodes [default: 3, at most ${MAX_NODES}]
  --dir D              output directory [default: ./tau-compose]; existing files are refused
  --image IMAGE        the node image [default: ${COMPOSE_DEFAULT_IMAGE}]
  --block-time S       genesis blockTime, ≥ ${MIN_BLOCK_TIME_S} [default: ${DEFAULT_BLOCK_TIME_S}]
  --mutable-range M    genesis mutableRange [default: ${DEFAULT_MUTABLE_RANGE}]
  --seed X             deterministic keys (as the local testnet's --seed)
  --project NAME       service name prefix [default: tau]`

export class EmitError extends Error {}

export interface EmitOptions { nodes: number, dir: string, image: string, blockTime: number, mutableRange: number, seed?: string, prefix: string }

export function parseEmitArgs (argv: string[]): EmitOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      emit: { type: 'string' }, nodes: { type: 'string' }, dir: { type: 'string' }, image: { type: 'string' },
      'block-time': { type: 'string' }, 'mutable-range': { type: 'string' }, seed: { type: 'string' }, project: { type: 'string' },
      help: { type: 'boolean', short: 'h' }
    }
  })
  if (values.help === true) return 'help'
  if (values.emit !== 'compose') throw new EmitError(`--emit takes "compose", got "${values.emit ?? ''}"`)
  const int = (name: string, v: string | undefined, dflt: number, min: number, max: number): number => {
    if (v === undefined) return dflt
    const n = Number(v)
    if (!/^\d+$/.test(v) || n < min || n > max) throw new EmitError(`--${name} must be an integer in [${min}, ${max}], got "${v}"`)
    return n
  }
  const prefix = values.project ?? 'tau'
  if (!/^[a-z][a-z0-9-]{0,30}$/.test(prefix)) throw new EmitError('--project must be 1–31 lowercase letters, digits or dashes, starting with a letter')
  return {
    nodes: int('nodes', values.nodes, 3, 1, MAX_NODES),
    dir: resolve(values.dir ?? 'tau-compose'),
    image: values.image ?? COMPOSE_DEFAULT_IMAGE,
    blockTime: int('block-time', values['block-time'], DEFAULT_BLOCK_TIME_S, MIN_BLOCK_TIME_S, 3600),
    mutableRange: int('mutable-range', values['mutable-range'], DEFAULT_MUTABLE_RANGE, 1, 10_000),
    seed: values.seed,
    prefix
  }
}

/** The compose file: plain YAML written by hand (flat and small, so no YAML library is needed). */
export function composeYaml (o: EmitOptions): string {
  const svc = (i: number): string => `${o.prefix}-${i}`
  const lines: string[] = [
    `# ${o.nodes}-node tau-node testnet, written by tau-node testnet --emit compose.`,
    '# docker compose up -d  |  docker stack deploy -c compose.yaml <stack>   (docs/testnet.md)',
    "version: '3.8'",
    'services:'
  ]
  for (let i = 0; i < o.nodes; i++) {
    // Node 0 is the seed; every other node bootstraps to the nodes started before it (by service
    // name, resolved at start), so no node waits on a name that does not exist yet.
    const peers = Array.from({ length: i }, (_, j) => `${svc(j)}:${COMPOSE_DHT_PORT}`).join(',')
    lines.push(
      `  ${svc(i)}:`,
      `    image: ${o.image}`,
      `    hostname: ${svc(i)}`,
      '    environment:',
      '      TAU_GENESIS: /run/secrets/tau-genesis',
      '      TAU_KEY_FILE: /run/secrets/tau-key',
      `      TAU_BOOTSTRAP: "${peers}"`,
      '      TAU_MINE: "true"',
      '    secrets:',
      `      - source: ${svc(i)}-key`,
      '        target: tau-key',
      `        uid: "${COMPOSE_IMAGE_UID}"`,
      `        gid: "${COMPOSE_IMAGE_UID}"`,
      '        mode: 0400',
      // Not secret, but docker-compose (v1) ignores configs:, and both read secrets from a file.
      `      - source: ${o.prefix}-genesis`,
      '        target: tau-genesis',
      '        mode: 0444',
      '    volumes:',
      `      - ${svc(i)}-data:/data`,
      '    networks:',
      `      - ${o.prefix}-net`,
      '    restart: on-failure',
      '    stop_grace_period: 30s'
    )
    if (i > 0) lines.push('    depends_on:', `      ${svc(i - 1)}:`, '        condition: service_healthy')
    lines.push(
      '    deploy:',
      '      replicas: 1',
      // dnsrr: the service name resolves to the task's own address, which UDP replies come from.
      '      endpoint_mode: dnsrr',
      '      restart_policy:',
      '        condition: on-failure'
    )
  }
  lines.push('volumes:', ...Array.from({ length: o.nodes }, (_, i) => `  ${svc(i)}-data: {}`))
  lines.push('networks:', `  ${o.prefix}-net:`, '    driver: ${TAU_NETWORK_DRIVER:-bridge}')
  lines.push('secrets:', ...Array.from({ length: o.nodes }, (_, i) => [`  ${svc(i)}-key:`, `    file: ./keys/node-${i}.json`]).flat())
  lines.push(`  ${o.prefix}-genesis:`, '    file: ./genesis.json')
  return lines.join('\n') + '\n'
}

export interface EmitResult { dir: string, files: string[], chainId: string, keys: string[] }

export function emitCompose (o: EmitOptions): EmitResult {
  const composePath = join(o.dir, 'compose.yaml')
  if (existsSync(composePath)) throw new EmitError(`${composePath} exists; choose another --dir`)
  const keys = testnetKeys(o.nodes, o.seed)
  const genesis = testnetGenesis(keys, { blockTime: o.blockTime, mutableRange: o.mutableRange })
  mkdirSync(join(o.dir, 'keys'), { recursive: true })
  const files: string[] = []
  const genesisPath = join(o.dir, 'genesis.json')
  writeFileSync(genesisPath, JSON.stringify(genesisToJson(genesis.config), null, 2) + '\n', { mode: 0o644 })
  files.push(genesisPath)
  keys.forEach((k, i) => {
    const p = join(o.dir, 'keys', `node-${i}.json`)
    writeFileSync(p, JSON.stringify({ secretKey: toHex(k.secretKey), publicKey: toHex(k.publicKey) }, null, 2) + '\n', { mode: 0o600, flag: 'wx' })
    // Plain compose mounts a secret file as it is on the host: the image's user must own it.
    // Only root may give it away; anyone else is told (docs/testnet.md).
    if (process.getuid?.() === 0) chownSync(p, COMPOSE_IMAGE_UID, COMPOSE_IMAGE_UID)
    files.push(p)
  })
  writeFileSync(composePath, composeYaml(o))
  files.push(composePath)
  return { dir: o.dir, files, chainId: toHex(genesis.chainId), keys: keys.map(k => toHex(k.publicKey)) }
}

export function emitMain (argv: string[]): number {
  let o
  try {
    o = parseEmitArgs(argv)
    if (o === 'help') { console.log(EMIT_HELP); return 0 }
  } catch (e) {
    if (e instanceof EmitError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') === true) {
      console.error(`testnet --emit: ${(e as Error).message}`)
      return 2
    }
    throw e
  }
  try {
    const r = emitCompose(o)
    console.log(JSON.stringify({ ok: true, ...r, uidNote: process.getuid?.() === 0 || process.getuid?.() === COMPOSE_IMAGE_UID ? undefined : `key files are owned by uid ${process.getuid?.()}; for plain docker compose, chown them to ${COMPOSE_IMAGE_UID} (the image's user)` }, null, 2))
    return 0
  } catch (e) {
    if (e instanceof EmitError) { console.error(`testnet --emit: ${e.message}`); return 1 }
    throw e
  }
}
