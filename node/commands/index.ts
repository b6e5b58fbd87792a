import type { Command } from './types.js'
import { keygen } from './keygen.js'
import { genesis } from './genesis.js'
import { start } from './start.js'
import { status } from './status.js'
import { testnet } from './testnet.js'
import { sendMessage } from './sendMessage.js'
import { friends } from './friends.js'
import { messages } from './messages.js'
import { check } from './check.js'
import { wallet } from './wallet.js'
import { backup } from './backup.js'
import { restore } from './restore.js'

/** Every subcommand, in the order the help lists them. */
export const COMMANDS: Command[] = [start, status, check, backup, restore, wallet, keygen, genesis, testnet, friends, messages, sendMessage]
