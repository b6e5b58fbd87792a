import type { Command } from './types.js'

/** `tau-node testnet`: the local multi-miner testnet tool (scripts/testnet/, docs/testnet.md). */
export const testnet: Command = {
  name: 'testnet',
  summary: 'run a local multi-miner testnet on 127.0.0.1',
  async run (args) {
    // Loaded on demand, so other commands (a node's `start`) do not pay for the testnet code.
    const { testnetMain } = await import('../../scripts/testnet/cli.js')
    return await testnetMain(args)
  }
}
