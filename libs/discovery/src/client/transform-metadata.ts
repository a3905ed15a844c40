import { Type } from '@nestjs/common';

/** The parts of class-transformer's metadata storage read here: per-class maps, by decorator kind. */
interface TransformStorage {
  getStrategy(target: Type): string;
  _typeMetadatas?: unknown;
  _transformMetadatas?: unknown;
  _exposeMetadatas?: unknown;
  _excludeMetadatas?: unknown;
}

// class-transformer publishes its storage only by path (its package has no "exports"), and no "has any
// metadata" query: its per-class maps are read, and any shape other than the expected one counts as
// "has metadata" (the exact, slower path).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const storage = (require('class-transformer/cjs/storage') as { defaultMetadataStorage: TransformStorage }).defaultMetadataStorage;

/**
 * Whether `type` or an ancestor carries any class-transformer decorator (`@Type`, `@Transform`, `@Expose`,
 * `@Exclude`): only then does turning an answer into an instance need `plainToInstance`. @internal
 */
export function hasTransformMetadata(type: Type): boolean {
  const maps = [storage._typeMetadatas, storage._transformMetadatas, storage._exposeMetadatas, storage._excludeMetadatas];
  if (!maps.every((map) => map instanceof Map)) return true;
  for (let target: unknown = type; typeof target === 'function' && target !== Function.prototype; target = Object.getPrototypeOf(target)) {
    if (maps.some((map) => (map as Map<unknown, unknown>).has(target))) return true;
    if (storage.getStrategy(target as Type) !== 'none') return true;
  }
  return false;
}
