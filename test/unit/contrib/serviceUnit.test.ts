// contrib/tau-node.service: the hardening the operations guide promises is in the unit, and
// systemd's own parser (systemd-analyze verify, when the machine has it) finds no unknown key.
import { expect } from 'chai'
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'

const UNIT = 'contrib/tau-node.service'

function sections (text: string): Map<string, Map<string, string[]>> {
  const out = new Map<string, Map<string, string[]>>()
  let cur: Map<string, string[]> | undefined
  for (const line of text.split('\n')) {
    const t = line.trim()
    if (t === '' || t.startsWith('#')) continue
    const s = /^\[(\w+)\]$/.exec(t)
    if (s !== null) { cur = new Map(); out.set(s[1], cur); continue }
    const kv = /^([A-Za-z]+)=(.*)$/.exec(t)
    if (kv === null || cur === undefined) throw new Error(`unparsed line: ${t}`)
    cur.set(kv[1], [...(cur.get(kv[1]) ?? []), kv[2]])
  }
  return out
}

describe('contrib/tau-node.service', () => {
  const unit = sections(readFileSync(UNIT, 'utf8'))
  const svc = unit.get('Service') ?? new Map<string, string[]>()
  const one = (k: string): string | undefined => svc.get(k)?.[0]

  it('runs the node as its own user, hardened, writing only its data dir, restarted on failure', () => {
    expect(one('User')).to.equal('tau')
    expect(one('NoNewPrivileges')).to.equal('yes')
    expect(one('ProtectSystem')).to.equal('strict')
    expect(one('ReadWritePaths')).to.equal('/var/lib/tau-node')
    expect(svc.get('Environment')).to.include('TAU_DATA_DIR=/var/lib/tau-node')
    expect(one('Restart')).to.equal('on-failure')
    expect(one('KillSignal')).to.equal('SIGTERM')
    // Longer than the node's own forced stop (10 s), so systemd never SIGKILLs a clean stop.
    expect(Number(one('TimeoutStopSec'))).to.be.greaterThan(10)
    expect(one('ExecStart')).to.match(/\/bin\/tau-node\.js start$/)
    expect(unit.get('Install')?.get('WantedBy')).to.deep.equal(['multi-user.target'])
  })

  it('passes systemd-analyze verify without warnings (when systemd-analyze exists)', function () {
    const probe = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' })
    if (probe.error !== undefined) this.skip()
    const r = spawnSync('systemd-analyze', ['verify', UNIT], { encoding: 'utf8', timeout: 30_000 })
    // The paths of a machine the unit is not installed on (node, /opt/tau-node, user tau) may be
    // missing here; the unit's own syntax and keys must not be.
    const own = r.stderr.split('\n').filter(l => l.includes(UNIT) && !/is not executable|No such file|Failed to resolve user|does not exist/.test(l))
    expect(own, r.stderr).to.deep.equal([])
  })
})
