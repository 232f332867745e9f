import { randomUUID } from 'node:crypto'
import { type FileHandle, open, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** Output up to this size stays in memory; beyond it, it goes to a temporary file. */
const IN_MEMORY_BYTES = 1024 * 1024
/** Writes and reads of the file are grouped into pieces of about this size. */
const BLOCK_BYTES = 256 * 1024

/** What a frame of the file holds: bytes, text (UTF-8), or the index of a value kept in memory. */
const Kind = { Bytes: 0, Text: 1, Value: 2 } as const
const HEADER_BYTES = 5

/**
 * Items produced faster than they are consumed, kept in order until they are read back once: text
 * and bytes (an export's chunks) in a temporary file once they outgrow `IN_MEMORY_BYTES`, anything
 * else in memory. The file is removed from its folder as soon as it is opened (it lives on while
 * open), and closed when the items have been read, when the reader stops early, or by `discard`.
 */
export class Spool<T> {
  private readonly values: unknown[] = []
  private pending: Buffer[] = []
  private pendingBytes = 0
  private written = 0
  private file: FileHandle | undefined

  async add(item: T): Promise<void> {
    const bytes = typeof item === 'string' ? Buffer.from(item) : Buffer.isBuffer(item) ? item : undefined
    const header = Buffer.alloc(HEADER_BYTES)
    if (bytes) {
      header.writeUInt8(typeof item === 'string' ? Kind.Text : Kind.Bytes, 0)
      header.writeUInt32BE(bytes.length, 1)
      this.pending.push(header, bytes)
      this.pendingBytes += HEADER_BYTES + bytes.length
    } else {
      header.writeUInt8(Kind.Value, 0)
      header.writeUInt32BE(this.values.push(item) - 1, 1)
      this.pending.push(header)
      this.pendingBytes += HEADER_BYTES
    }
    if (this.pendingBytes >= (this.file ? BLOCK_BYTES : IN_MEMORY_BYTES)) await this.flush()
  }

  /** The items in the order they were added; the spool is discarded after them. */
  async *items(): AsyncGenerator<T> {
    try {
      if (!this.file) {
        yield* this.decode(Buffer.concat(this.pending)).items
        return
      }
      await this.flush()
      let carried: Buffer = Buffer.alloc(0)
      for (let position = 0; position < this.written; ) {
        const block = Buffer.allocUnsafe(Math.min(BLOCK_BYTES, this.written - position))
        const { bytesRead } = await this.file.read(block, 0, block.length, position)
        if (bytesRead === 0) throw new Error('the spool file ended early')
        position += bytesRead
        const { items, rest } = this.decode(carried.length > 0 ? Buffer.concat([carried, block.subarray(0, bytesRead)]) : block.subarray(0, bytesRead))
        carried = rest
        yield* items
      }
      if (carried.length > 0) throw new Error('the spool file ended mid-item')
    } finally {
      await this.discard()
    }
  }

  async discard(): Promise<void> {
    this.pending = []
    this.values.length = 0
    const file = this.file
    this.file = undefined
    await file?.close()
  }

  private async flush(): Promise<void> {
    if (!this.file) {
      const path = join(tmpdir(), `ropa-spool-${randomUUID()}`)
      this.file = await open(path, 'wx+', 0o600)
      await rm(path, { force: true })
    }
    const block = Buffer.concat(this.pending)
    this.pending = []
    this.pendingBytes = 0
    await this.file.write(block, 0, block.length, this.written)
    this.written += block.length
  }

  /** The whole items in `data`, and what is left of a last one cut off at its end. */
  private decode(data: Buffer): { items: T[]; rest: Buffer } {
    const items: T[] = []
    let offset = 0
    while (offset + HEADER_BYTES <= data.length) {
      const kind = data.readUInt8(offset)
      const size = data.readUInt32BE(offset + 1)
      if (kind === Kind.Value) {
        items.push(this.values[size] as T)
        this.values[size] = undefined
        offset += HEADER_BYTES
        continue
      }
      if (offset + HEADER_BYTES + size > data.length) break
      const bytes = data.subarray(offset + HEADER_BYTES, offset + HEADER_BYTES + size)
      items.push((kind === Kind.Text ? bytes.toString('utf8') : Buffer.from(bytes)) as T)
      offset += HEADER_BYTES + size
    }
    return { items, rest: data.subarray(offset) }
  }
}
