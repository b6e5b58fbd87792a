import { parseArgs } from 'node:util'
import { ADMIN_HELP, ADMIN_OPTIONS, adminCall, adminTarget, runAdmin } from './adminClient.js'
import type { Command } from './types.js'

const HELP = `Usage: tau-node friends add KEY [--name NAME] | remove KEY | list   [options]

Friends are the keys this node talks to on purpose (a user adds a friend by scanning their
public key): the node reads their message chain and gossip, never evicts them from its peers,
and lists their messages as conversations rather than contact requests. Works on a running node
through its admin API; friends can also be listed in the config file (\`friends\`).

  --name NAME        a name for the friend (≤ 32 UTF-8 bytes; add only)
${ADMIN_HELP}

Prints JSON. Exit code 1 on any failure, 2 on bad usage.`

export const friends: Command = {
  name: 'friends',
  summary: "add, remove or list a running node's friends",
  async run (args) {
    const { values, positionals } = parseArgs({ args, options: { ...ADMIN_OPTIONS, name: { type: 'string' } }, allowPositionals: true })
    if (values.help === true) { console.log(HELP); return 0 }
    const [verb, key, ...rest] = positionals
    const usage = (msg: string): number => { console.error(`tau-node friends: ${msg} (see --help)`); return 2 }
    if (rest.length > 0) return usage(`unexpected ${rest.join(' ')}`)
    if (verb !== 'list' && verb !== 'add' && verb !== 'remove') return usage('give add KEY, remove KEY or list')
    if (verb !== 'list' && (key === undefined || !/^[0-9a-fA-F]{64}$/.test(key))) return usage(`${verb} needs a public key (64 hex characters)`)
    if (verb !== 'add' && values.name !== undefined) return usage('--name goes with add')
    return await runAdmin('friends', async () => {
      const t = adminTarget(values)
      let out: unknown
      if (verb === 'list') out = await adminCall(t, 'GET', '/admin/friends')
      else if (verb === 'add') out = await adminCall(t, 'POST', '/admin/friends', { key, name: values.name })
      else out = await adminCall(t, 'POST', '/admin/friends/remove', { key })
      console.log(JSON.stringify(out, null, 2))
      return 0
    })
  }
}
