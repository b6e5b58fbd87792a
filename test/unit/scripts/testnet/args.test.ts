import { expect } from 'chai'
import { ArgsError, HELP, SCENARIOS, parseTestnetArgs } from '../../../../scripts/testnet/args.js'
import { linkArgs, linkGroupOf } from '../../../../scripts/testnet/linkSpec.js'

describe('testnet args', () => {
  it('has sensible defaults: 4 nodes, blockTime 10, 10 blocks, no scenario', () => {
    const a = parseTestnetArgs([])
    expect(a).to.deep.include({ nodes: 4, blockTime: 10, mutableRange: 6, blocks: 10, keep: false, json: false, help: false, txRate: 1 })
    expect(a.durationS).to.equal(undefined)
    expect(a.basePort).to.equal(undefined)
    expect(a.scenarios).to.deep.equal([])
  })

  it('parses every option', () => {
    const a = parseTestnetArgs(['--nodes', '6', '--block-time', '12', '--mutable-range', '3', '--duration', '90', '--base-port', '30000',
      '--dir', '/tmp/x', '--keep', '--json', '--scenario', 'kill', '--scenario', 'partition,tx-load', '--seed', 'abc', '--tx-rate', '2.5'])
    expect(a).to.deep.include({ nodes: 6, blockTime: 12, mutableRange: 3, durationS: 90, basePort: 30000, dir: '/tmp/x', keep: true, json: true, seed: 'abc', txRate: 2.5 })
    expect(a.blocks).to.equal(undefined)
    expect(a.scenarios).to.deep.equal(['kill', 'partition', 'tx-load'])
  })

  it('parses an emulated link and refuses jitter above latency or too much loss', () => {
    expect(parseTestnetArgs([]).link).to.equal(undefined)
    expect(parseTestnetArgs(['--link-latency', '80', '--link-jitter', '20', '--link-loss', '2']).link).to.deep.equal({ latencyMs: 80, jitterMs: 20, lossPct: 2 })
    expect(parseTestnetArgs(['--link-loss', '0.5']).link).to.deep.equal({ latencyMs: 0, jitterMs: 0, lossPct: 0.5 })
    expect(() => parseTestnetArgs(['--link-latency', '10', '--link-jitter', '20'])).to.throw(ArgsError, /--link-jitter/)
    expect(() => parseTestnetArgs(['--link-loss', '80'])).to.throw(ArgsError, /--link-loss/)
    expect(() => parseTestnetArgs(['--link-latency', '-5'])).to.throw(ArgsError)
    for (const o of ['--link-latency', '--link-jitter', '--link-loss', '--link-groups', '--link-between-latency']) expect(HELP).to.contain(o)
  })

  it('parses link groups ("two continents") with their own link between them, and only together', () => {
    const a = parseTestnetArgs(['--link-latency', '20', '--link-groups', '2', '--link-between-latency', '150', '--link-between-jitter', '30', '--link-between-loss', '1'])
    expect(a.link).to.deep.equal({ latencyMs: 20, jitterMs: 0, lossPct: 0, groups: 2, between: { latencyMs: 150, jitterMs: 30, lossPct: 1 } })
    expect(() => parseTestnetArgs(['--link-groups', '2'])).to.throw(ArgsError, /go together/)
    expect(() => parseTestnetArgs(['--link-between-latency', '100'])).to.throw(ArgsError, /go together/)
    expect(() => parseTestnetArgs(['--link-groups', '1', '--link-between-latency', '100'])).to.throw(ArgsError, /at least 2/)
    expect(() => parseTestnetArgs(['--link-groups', '2', '--link-between-latency', '10', '--link-between-jitter', '20'])).to.throw(ArgsError, /--link-between-jitter/)
    expect([0, 1, 2, 3, 4, 5].map(i => linkGroupOf(i, 2, 4))).to.deep.equal([0, 0, 1, 1, 1, 1])
    expect(linkArgs(a.link, ['127.0.0.1:7004'])).to.include.members(['--link-far-peers', '127.0.0.1:7004', '--link-far-latency', '150'])
  })

  it('keeps scenario order and repeats', () => {
    expect(parseTestnetArgs(['--scenario', 'restart', '--scenario', 'kill', '--scenario', 'restart']).scenarios).to.deep.equal(['restart', 'kill', 'restart'])
  })

  it('rejects bad values with a message naming the option', () => {
    const bad: Array<[string[], RegExp]> = [
      [['--nodes', '0'], /--nodes/],
      [['--nodes', '33'], /--nodes/],
      [['--nodes', 'four'], /--nodes/],
      [['--block-time', '9'], /--block-time/],
      [['--mutable-range', '0'], /--mutable-range/],
      [['--blocks', '5', '--duration', '60'], /either --blocks or --duration/],
      [['--scenario', 'meteor'], /unknown scenario "meteor"/],
      [['--nodes', '1', '--scenario', 'partition'], /needs at least 2 nodes/],
      [['--base-port', '80'], /--base-port/],
      [['--base-port', '65530'], /--base-port/],
      [['--tx-rate', '0'], /--tx-rate/],
      [['--tx-rate', '-1'], /--tx-rate|argument/],
      [['--seed', ''], /--seed/],
      [['--frobnicate'], /frobnicate/],
      [['positional'], /positional|argument/]
    ]
    for (const [argv, re] of bad) {
      expect(() => parseTestnetArgs(argv), argv.join(' ')).to.throw(ArgsError, re)
    }
  })

  it('reserves ports for joining nodes when checking --base-port', () => {
    // 4 nodes + 1 joiner = 10 ports: 65526..65535 fits, 65527 does not.
    expect(parseTestnetArgs(['--base-port', '65526', '--scenario', 'join']).basePort).to.equal(65526)
    expect(() => parseTestnetArgs(['--base-port', '65527', '--scenario', 'join'])).to.throw(ArgsError)
  })

  it('documents every option and scenario in --help', () => {
    expect(parseTestnetArgs(['--help']).help).to.equal(true)
    for (const o of ['--nodes', '--block-time', '--mutable-range', '--blocks', '--duration', '--base-port', '--dir', '--keep', '--json', '--scenario', '--seed', '--help']) {
      expect(HELP).to.contain(o)
    }
    for (const s of SCENARIOS) expect(HELP).to.contain(s)
  })
})
