import { Metadata } from '@grpc/grpc-js';

/**
 * The request metadata of one call, as a fresh object interceptors may change: a copy of a given
 * `Metadata`, or one value per key of a record. @internal
 */
export function toMetadata(input: Metadata | Record<string, string | Buffer> | undefined): Metadata {
  if (input instanceof Metadata) return input.clone();
  const metadata = new Metadata();
  if (input) for (const key of Object.keys(input)) metadata.set(key, input[key]);
  return metadata;
}
