import { parseWatchedServices } from '@nest-discovery/registry-api';
import { SERVICE_NAME_PATTERN } from '../instance.entity';
import { ServiceParamsDto } from './params.dto';
import {
  LookupQueryDto,
  MAX_REVISION,
  MAX_WATCH_TIMEOUT_SECONDS,
  REGISTER_ANSWERS,
  RegisterQueryDto,
  STATUS_QUERIES,
  StatusQueryDto,
  WatchQueryDto,
} from './query.dto';
import { RegisterInstanceDto } from './register-instance.dto';
import { isValidRegisterBody } from './register-instance.schema';
import { EPOCH_PATTERN, ServiceWatchQueryDto } from './service-watch-query.dto';

/**
 * A check of the hot paths' inputs that only recognises the plainly valid: the input as its DTO would
 * have it (numbers parsed), or undefined for anything else — which then goes through class-validator,
 * the one source of the 400's message. Never accepts what the DTO's decorators reject.
 */
export type FastCheck = (value: unknown) => unknown;

const DIGITS = /^\d{1,15}$/;
// Printable ASCII only: a tag with anything else is left to class-validator's own length count.
const PLAIN_TAG = /^[\x21-\x7e]{1,128}$/;

type Query = Record<string, unknown>;

function integer(value: unknown, max: number): number | undefined {
  if (typeof value !== 'string' || !DIGITS.test(value)) return undefined;
  const number = Number(value);
  return number <= max ? number : undefined;
}

/** Reads each key of a query with `read` (false: not plainly valid); the DTO, or undefined. */
function eachKey<T extends object>(value: unknown, read: (dto: T, key: string, given: unknown) => boolean): T | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const dto = {} as T;
  for (const key in value) {
    if (!read(dto, key, (value as Query)[key])) return undefined;
  }
  return dto;
}

function status(dto: StatusQueryDto, key: string, given: unknown): boolean {
  if (key !== 'status' || !STATUS_QUERIES.includes(given as never)) return false;
  dto.status = given as StatusQueryDto['status'];
  return true;
}

function registerQuery(value: unknown): RegisterQueryDto | undefined {
  return eachKey<RegisterQueryDto>(value, (dto, key, given) => {
    if (key === 'knownRevision') return (dto.knownRevision = integer(given, MAX_REVISION)) !== undefined;
    if (key === 'answer' && REGISTER_ANSWERS.includes(given as never)) {
      dto.answer = given as RegisterQueryDto['answer'];
      return true;
    }
    return false;
  });
}

function watchQuery(value: unknown): WatchQueryDto | undefined {
  return eachKey<WatchQueryDto>(value, (dto, key, given) => {
    if (key === 'revision') return (dto.revision = integer(given, MAX_REVISION)) !== undefined;
    if (key === 'timeoutSeconds') return (dto.timeoutSeconds = integer(given, MAX_WATCH_TIMEOUT_SECONDS)) !== undefined;
    return status(dto, key, given);
  });
}

/** `GET /watch/services`: what every client of the library sends in a loop, a new revision each time (so never a memo hit). */
function serviceWatchQuery(value: unknown): ServiceWatchQueryDto | undefined {
  const dto = eachKey<ServiceWatchQueryDto>(value, (query, key, given) => {
    if (key === 'services') {
      const services = parseWatchedServices(given);
      if (typeof services === 'string') return false;
      query.services = services;
      return true;
    }
    if (key === 'revision') return (query.revision = integer(given, MAX_REVISION)) !== undefined;
    if (key === 'timeoutSeconds') return (query.timeoutSeconds = integer(given, MAX_WATCH_TIMEOUT_SECONDS)) !== undefined;
    if (key !== 'epoch' || typeof given !== 'string' || !EPOCH_PATTERN.test(given)) return false;
    query.epoch = given;
    return true;
  });
  return dto?.services === undefined ? undefined : dto;
}

function lookupQuery(value: unknown): LookupQueryDto | undefined {
  return eachKey<LookupQueryDto>(value, (dto, key, given) => {
    if (key === 'tag' && typeof given === 'string' && PLAIN_TAG.test(given)) {
      dto.tag = given;
      return true;
    }
    return status(dto, key, given);
  });
}

function serviceParams(value: unknown): ServiceParamsDto | undefined {
  return eachKey<ServiceParamsDto>(value, (dto, key, given) => {
    if (key !== 'name' || typeof given !== 'string' || !SERVICE_NAME_PATTERN.test(given)) return false;
    dto.name = given;
    return true;
  });
}

/** The fast checks by DTO class (exact class: a subclass has its own fields). @internal */
export const FAST_CHECKS: ReadonlyMap<Function, FastCheck> = new Map<Function, FastCheck>([
  [RegisterInstanceDto, (value) => (isValidRegisterBody(value) ? value : undefined)],
  [RegisterQueryDto, registerQuery],
  [WatchQueryDto, watchQuery],
  [ServiceWatchQueryDto, serviceWatchQuery],
  [LookupQueryDto, lookupQuery],
  [StatusQueryDto, (value) => eachKey<StatusQueryDto>(value, status)],
  [ServiceParamsDto, serviceParams],
]);
