// A node's channels (PROTOCOL §9): signed mutable items under salt = chainId ‖ name ‖ slot.
// publish() encodes, signs, puts and keeps the item for serving; read() asks for a peer's item in
// the current slot and falls back to the previous one, so a reader right after a slot boundary
// still sees what the publisher put just before it.
import { isChainError } from '../chain/errors.js'
import type { Endpoint } from './endpoint.js'
import type { DhtEngine } from './engine.js'
import type { GetPath, Getter } from './get.js'
import { type ChannelValues, decodeChannelValue, encodeChannelValue } from './items.js'
import type { DeferredPut, PutHandle, Putter } from './put.js'
import { DEFERRED_PUT_SLOT_MARGIN_MS } from './constants.js'
import { type ChannelName, channelSalt, slotOf } from './salt.js'
import type { SeqClock } from './seq.js'

export interface ChannelsOptions {
  engine: DhtEngine
  getter: Getter
  putter: Putter
  seq: SeqClock
  chainId: Uint8Array
  /** T: a slot lasts one block time. */
  blockTimeS: number
  /** Wall clock in ms (tests pass their own). */
  now?: () => number
}

export interface ChannelItem<N extends ChannelName> {
  value: ChannelValues[N]
  seq: number
  slot: number
  path: GetPath
}

export interface ReadOptions {
  endpoint?: Endpoint
  signal?: AbortSignal
  /** The owner's direct answer without a value is final (GetOptions.ownerAnswerFinal). */
  ownerAnswerFinal?: boolean
  /**
   * With ownerAnswerFinal: once the owner said it has nothing in the current slot, the previous slot
   * is asked only this long (ms) after the current slot began. Later, an item the owner still
   * publishes would have been republished in the current slot, and one it stopped republishing (an
   * empty txTip or demand, retire()) means nothing. Undefined: always asked (PROTOCOL §9).
   */
  previousSlotGraceMs?: number
  /** Finding nothing counts toward the key's silence (GetOptions.missMeansSilent): blkTip reads only. */
  missMeansSilent?: boolean
}

export class Channels {
  private readonly now: () => number
  /** Last value published per channel, for republishing when the slot moves on. */
  private readonly last = new Map<ChannelName, { bytes: Uint8Array, slot: number, target: Uint8Array }>()
  /** Each channel's network put still waiting (publish with delayMs), with its slot. */
  private readonly waiting = new Map<ChannelName, { slot: number, put: DeferredPut }>()

  constructor (private readonly o: ChannelsOptions) {
    this.now = o.now ?? Date.now
  }

  currentSlot (): number {
    return slotOf(this.now(), this.o.blockTimeS)
  }

  /**
   * Publishes `value` on channel `name` in the current slot. Throws CodecError for a bad value.
   * `delayMs` (> 0): the item is kept and served to direct gets now, and its network put waits that
   * long (ms), never past DEFERRED_PUT_SLOT_MARGIN_MS before the slot's end (its item must be
   * findable for the next slot's readers too). A later publish on the channel in the same slot
   * supersedes a put still waiting; one in a later slot sends it first.
   */
  publish<N extends ChannelName> (name: N, value: ChannelValues[N], delayMs = 0): PutHandle {
    return this.publishBytes(name, encodeChannelValue(name, value), delayMs)
  }

  /**
   * Republishes every channel whose last item is from an older slot (readers only look at the
   * current and previous slots). The node calls this on a timer; returns how many it put.
   * `delayMs` gives each one's network put wait (ms; see publish).
   */
  republishStale (delayMs: () => number = () => 0): number {
    const slot = this.currentSlot()
    let n = 0
    for (const [name, item] of this.last) {
      if (item.slot < slot) { this.publishBytes(name, item.bytes, delayMs()); n++ }
    }
    return n
  }

  /** The DHT target of channel `name`'s last item (its current slot's, once republished), if any. */
  lastTarget (name: ChannelName): Uint8Array | undefined {
    return this.last.get(name)?.target
  }

  /**
   * Stops republishing channel `name` in later slots; its last item stays where it is. For a value
   * that says "nothing" (an empty demand or txTip): a reader that finds no item in the current slot
   * reads the previous one (this empty value, superseding any older one), and after that no item at
   * all, which means the same. Publishing again resumes the republish.
   */
  retire (name: ChannelName): void {
    this.last.delete(name)
  }

  /** Reads `peerKey`'s item on channel `name`: current slot, else the previous one, else null. */
  async read<N extends ChannelName> (peerKey: Uint8Array, name: N, opts: ReadOptions = {}): Promise<ChannelItem<N> | null> {
    const slot = this.currentSlot()
    let ownerEmpty = false
    const current = await this.readSlot(peerKey, name, slot, { ...opts, onOwnerEmpty: () => { ownerEmpty = true } })
    if (current !== null || slot === 0 || opts.signal?.aborted === true) return current
    const grace = opts.previousSlotGraceMs
    if (ownerEmpty && grace !== undefined && this.now() - slot * this.o.blockTimeS * 1000 > grace) return null
    return await this.readSlot(peerKey, name, slot - 1, opts)
  }

  private async readSlot<N extends ChannelName> (peerKey: Uint8Array, name: N, slot: number, opts: ReadOptions & { onOwnerEmpty?: () => void }): Promise<ChannelItem<N> | null> {
    const salt = channelSalt(this.o.chainId, name, slot)
    const got = await this.o.getter.getMutable(peerKey, salt, opts)
    if (got === null) return null
    try {
      return { value: decodeChannelValue(name, got.value), seq: got.seq, slot, path: got.path }
    } catch (e) {
      if (!isChainError(e)) throw e
      this.o.engine.stats.reject('bad_channel_value') // signed by the peer, but not a valid value
      return null
    }
  }

  private publishBytes (name: ChannelName, bytes: Uint8Array, delayMs: number): PutHandle {
    const now = this.now()
    const slot = slotOf(now, this.o.blockTimeS)
    const salt = channelSalt(this.o.chainId, name, slot)
    const earlier = this.waiting.get(name)
    if (earlier !== undefined) {
      this.waiting.delete(name)
      // Same slot: the new item replaces it at the same target. An older slot's item must still
      // reach the network (readers look one slot back), late as it is.
      if (earlier.slot === slot) earlier.put.cancel()
      else earlier.put.flush()
    }
    const untilSlotEnd = (slot + 1) * this.o.blockTimeS * 1000 - now - DEFERRED_PUT_SLOT_MARGIN_MS
    const wait = Math.min(delayMs, untilSlotEnd)
    const item = { salt, value: bytes, seq: this.o.seq.next() }
    let handle: PutHandle
    if (wait > 0) {
      const put = this.o.putter.putMutableLater(item, wait)
      this.waiting.set(name, { slot, put })
      void put.done.then(() => { if (this.waiting.get(name)?.put === put) this.waiting.delete(name) })
      handle = put
    } else {
      handle = this.o.putter.putMutable(item)
    }
    this.last.set(name, { bytes, slot, target: handle.target })
    return handle
  }
}
