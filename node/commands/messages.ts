import { parseArgs } from 'node:util'
import { ADMIN_HELP, ADMIN_OPTIONS, adminCall, adminTarget, runAdmin } from './adminClient.js'
import type { Command } from './types.js'

const HELP = `Usage: tau-node messages list [--with KEY] [--limit N] [--before ID]
       tau-node messages send KEY TEXT [--encrypt]
       tau-node messages requests

list      messages this node holds, newest first (GET /admin/messages: the ones encrypted for
          this node decrypted); --with KEY: the conversation with KEY, each message marked
          sent / delivered (the other side's read receipt names it) or received / read
send      a message from the node's key to KEY (POST /messages), carrying the read receipt of
          the newest message from KEY it holds; --encrypt: only KEY can read it
requests  contact requests: keys that are not friends and wrote to this node

  --with KEY         the conversation with this key (list)
  --limit N          page size, 1..200 [default: 50] (list)
  --before ID        the page after this message id (list)
  --encrypt          encrypt for KEY (send)
${ADMIN_HELP}

Prints JSON. Exit code 1 on any failure, 2 on bad usage.`

const HEX64 = /^[0-9a-fA-F]{64}$/

export const messages: Command = {
  name: 'messages',
  summary: 'list conversations, send a message, see contact requests',
  async run (args) {
    const { values, positionals } = parseArgs({
      args,
      options: { ...ADMIN_OPTIONS, with: { type: 'string' }, limit: { type: 'string' }, before: { type: 'string' }, encrypt: { type: 'boolean' } },
      allowPositionals: true
    })
    if (values.help === true) { console.log(HELP); return 0 }
    const usage = (msg: string): number => { console.error(`tau-node messages: ${msg} (see --help)`); return 2 }
    const [verb, ...rest] = positionals
    if (verb === 'list') {
      if (rest.length > 0) return usage(`unexpected ${rest.join(' ')}`)
      if (values.with !== undefined && !HEX64.test(values.with)) return usage('--with needs a public key (64 hex characters)')
      if (values.before !== undefined && !HEX64.test(values.before)) return usage('--before needs a message id (64 hex characters)')
      if (values.limit !== undefined && !/^\d{1,3}$/.test(values.limit)) return usage('--limit must be 1..200')
      const q = new URLSearchParams()
      if (values.with !== undefined) q.set('with', values.with)
      if (values.limit !== undefined) q.set('limit', values.limit)
      if (values.before !== undefined) q.set('before', values.before)
      return await runAdmin('messages', async () => {
        console.log(JSON.stringify(await adminCall(adminTarget(values), 'GET', `/admin/messages?${q.toString()}`), null, 2))
        return 0
      })
    }
    if (verb === 'send') {
      const [key, text, ...more] = rest
      if (key === undefined || !HEX64.test(key)) return usage('send needs a public key (64 hex characters)')
      if (text === undefined || more.length > 0) return usage('send needs one TEXT argument (quote it)')
      return await runAdmin('messages', async () => {
        console.log(JSON.stringify(await adminCall(adminTarget(values), 'POST', '/messages', { text, to: key, encrypt: values.encrypt === true }), null, 2))
        return 0
      })
    }
    if (verb === 'requests') {
      if (rest.length > 0) return usage(`unexpected ${rest.join(' ')}`)
      return await runAdmin('messages', async () => {
        console.log(JSON.stringify(await adminCall(adminTarget(values), 'GET', '/messages/requests'), null, 2))
        return 0
      })
    }
    return usage('give list, send KEY TEXT or requests')
  }
}
