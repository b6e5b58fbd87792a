// `npm run testnet -- [options]`: a local multi-miner testnet on 127.0.0.1 (see docs/testnet.md).
import { testnetMain } from './testnet/cli.js'

process.exitCode = await testnetMain(process.argv.slice(2))
