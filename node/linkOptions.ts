// The emulated link of a testnet node (dht/link.ts) from its settings; config.ts has already
// refused these settings outside the testnet tool and checked that the far ones come together.
import type { LinkOptions } from '../dht/link.js'
import type { NodeConfig } from './config.js'

export function linkOptionsOf (cfg: NodeConfig): LinkOptions | undefined {
  const near = cfg.linkLatencyMs !== undefined || cfg.linkJitterMs !== undefined || cfg.linkLossPct !== undefined
  if (!near && cfg.linkFarPeers === undefined) return undefined
  const far = cfg.linkFarPeers === undefined
    ? undefined
    : {
        endpoints: cfg.linkFarPeers.map(e => `${e.host}:${e.port}`),
        latencyMs: cfg.linkFarLatencyMs ?? 0,
        jitterMs: cfg.linkFarJitterMs ?? 0,
        lossPct: cfg.linkFarLossPct ?? 0
      }
  return { latencyMs: cfg.linkLatencyMs ?? 0, jitterMs: cfg.linkJitterMs ?? 0, lossPct: cfg.linkLossPct ?? 0, far }
}
