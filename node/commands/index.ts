import type { Command } from './types.js'
import { keygen } from './keygen.js'
import { genesis } from './genesis.js'
import { start } from './start.js'
import { status } from './status.js'
import { testnet } from './testnet.js'
import { sendMessage } from './sendMessage.js'
import { wallet } from './wallet.js'

/** Every subcommand, in the order the help lists them. */
export const COMMANDS: Command[] = [start, status, wallet, keygen, genesis, testnet, sendMessage]
