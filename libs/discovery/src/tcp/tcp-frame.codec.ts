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
 * place without copying; only a frame split across chunks is gathered. @internal
 */
export class FrameDecoder {
  private pending: Buffer | undefined;

  constructor(private readonly onFrame: (frame: unknown) => void) {}

  /** Feeds a chunk; calls `onFrame` for every complete frame. Throws {@link FrameError} on a bad stream. */
  push(chunk: Buffer): void {
    let data = chunk;
    if (this.pending !== undefined) {
      data = Buffer.concat([this.pending, chunk]);
      this.pending = undefined;
    }
    let offset = 0;
    while (data.length - offset >= HEADER) {
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

  /** Bytes of an incomplete frame held. */
  get buffered(): number {
    return this.pending?.length ?? 0;
  }
}
