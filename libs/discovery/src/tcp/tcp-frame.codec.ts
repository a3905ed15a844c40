import { MAX_FRAME_BYTES } from './tcp-frame';

const HEADER = 4;

/** One frame: the length prefix and the JSON, in one buffer (one socket write). @internal */
export function encodeFrame(frame: object): Buffer {
  const json = JSON.stringify(frame);
  // One allocation: write the JSON after a header sized by the JSON's UTF-8 length.
  const length = Buffer.byteLength(json);
  if (length > MAX_FRAME_BYTES) throw new RangeError(`A frame of ${length} bytes exceeds the ${MAX_FRAME_BYTES}-byte limit`);
  const buffer = Buffer.allocUnsafe(HEADER + length);
  buffer.writeUInt32BE(length, 0);
  buffer.write(json, HEADER, 'utf8');
  return buffer;
}

/** Raised by {@link FrameDecoder} on a stream that cannot be frames: the connection must be dropped. @internal */
export class FrameError extends Error {
  readonly code = 'EFRAME';
}

/**
 * Cuts a byte stream into frames and parses each. A chunk usually holds whole frames, which are parsed in
 * place without copying; only a frame split across chunks is gathered. With `ready`, frames are handed out
 * only while it says yes: the rest waits in the decoder until {@link resume} (a server's backpressure). @internal
 */
export class FrameDecoder {
  private pending: Buffer | undefined;

  constructor(
    private readonly onFrame: (frame: unknown) => void,
    private readonly ready: () => boolean = () => true,
  ) {}

  /** Feeds a chunk; calls `onFrame` for every complete frame. Throws {@link FrameError} on a bad stream. */
  push(chunk: Buffer): void {
    let data = chunk;
    if (this.pending !== undefined) {
      data = chunk.length === 0 ? this.pending : Buffer.concat([this.pending, chunk]);
      this.pending = undefined;
    }
    let offset = 0;
    while (data.length - offset >= HEADER && this.ready()) {
      const length = data.readUInt32BE(offset);
      if (length > MAX_FRAME_BYTES) throw new FrameError(`A frame announced ${length} bytes, over the ${MAX_FRAME_BYTES}-byte limit`);
      const end = offset + HEADER + length;
      if (end > data.length) break;
      let frame: unknown;
      try {
        frame = JSON.parse(data.toString('utf8', offset + HEADER, end));
      } catch (error) {
        throw new FrameError(`A frame is not JSON: ${(error as Error).message}`);
      }
      offset = end;
      this.onFrame(frame);
    }
    if (offset < data.length) this.pending = offset === 0 ? data : data.subarray(offset);
  }

  /** Hands out the frames held back while `ready` said no. */
  resume(): void {
    if (this.pending !== undefined) this.push(Buffer.alloc(0));
  }

  /** Bytes held: an incomplete frame, or frames waiting for `ready`. */
  get buffered(): number {
    return this.pending?.length ?? 0;
  }
}
