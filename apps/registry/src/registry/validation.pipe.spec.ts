import { BadRequestException } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { FAST_CHECKS } from './dto/fast-checks';
import { PatchInstanceDto } from './dto/patch-instance.dto';
import { RegisterQueryDto } from './dto/query.dto';
import { RegisterInstanceDto } from './dto/register-instance.dto';
import { ServiceWatchQueryDto } from './dto/service-watch-query.dto';
import { RegistryValidationPipe } from './validation.pipe';

describe('RegistryValidationPipe', () => {
  const body = { metatype: RegisterInstanceDto, type: 'body' as const };
  const valid = { name: 'calc', host: 'calc.internal', port: 8080, tags: ['v1'], metadata: { zone: 'a' } };

  it('passes a plainly valid register body and query through as they are, numbers parsed', async () => {
    const pipe = new RegistryValidationPipe();
    const input = { ...valid };
    expect(await pipe.transform(input, body)).toBe(input);
    const query = { metatype: RegisterQueryDto, type: 'query' as const };
    expect(await pipe.transform({ knownRevision: '42', answer: 'none' }, query)).toEqual({ knownRevision: 42, answer: 'none' });
  });

  it('leaves what the fast check refuses to class-validator, and its words', async () => {
    const pipe = new RegistryValidationPipe();
    const query = { metatype: RegisterQueryDto, type: 'query' as const };
    await expect(pipe.transform({ answer: 'some' }, query)).rejects.toThrow('answer must be all or none');
    await expect(pipe.transform({ knownRevision: '-1' }, query)).rejects.toThrow('knownRevision must be a non-negative integer');
    // null is "not given" to class-validator: valid, though the schema refuses it.
    expect(await pipe.transform({ ...valid, id: null }, body)).toBeInstanceOf(RegisterInstanceDto);
  });

  it('answers an input seen valid before with the same frozen DTO', async () => {
    const pipe = new RegistryValidationPipe();
    const patch = { metatype: PatchInstanceDto, type: 'body' as const };
    const first = await pipe.transform({ enabled: false, weight: 3 }, patch);
    expect(first).toBeInstanceOf(PatchInstanceDto);
    expect(await pipe.transform({ enabled: false, weight: 3 }, patch)).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
  });

  it('rejects with one message naming every bad field, and never caches a rejection', async () => {
    const pipe = new RegistryValidationPipe();
    const bad = { ...valid, port: 0, weight: 'heavy' };
    for (let attempt = 0; attempt < 2; attempt++) {
      const error = await pipe.transform({ ...bad }, body).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(BadRequestException);
      expect((error as BadRequestException).message).toBe(
        'port must be an integer between 1 and 65535; weight must be an integer between 1 and 1000',
      );
    }
  });

  it('rejects a body that is not an object', async () => {
    await expect(new RegistryValidationPipe().transform([valid], body)).rejects.toThrow('body must be a JSON object');
  });

  describe('the subscription watch query (GET /watch/services), checked fast', () => {
    const query = { metatype: ServiceWatchQueryDto, type: 'query' as const };
    const fast = FAST_CHECKS.get(ServiceWatchQueryDto)!;
    // What class-transformer and class-validator make of it, as the pipe would: the DTO's fields, or undefined when refused.
    const slow = async (value: object): Promise<object | undefined> => {
      const dto = plainToInstance(ServiceWatchQueryDto, value);
      const errors = await validate(dto, { whitelist: true, forbidNonWhitelisted: true, stopAtFirstError: true });
      return errors.length > 0 ? undefined : { ...dto };
    };

    it.each([
      { services: 'calc' },
      { services: 'calc,orders,calc', revision: '42', epoch: 'a1B2-_x', timeoutSeconds: '30' },
      { services: 'calc', revision: '0', timeoutSeconds: '0' },
      { services: 'calc', timeoutSeconds: '300' },
    ])('passes %j as class-validator would', async (value) => {
      const checked = fast(value);
      expect(checked).toBeDefined();
      expect(checked).toEqual(await slow(value));
    });

    it.each([
      {},
      { services: '' },
      { services: 'Bad Name' },
      { revision: '1' },
      { services: 'calc', revision: '-1' },
      { services: 'calc', revision: '1.5' },
      { services: 'calc', epoch: 'has space' },
      { services: 'calc', epoch: 'x'.repeat(65) },
      { services: 'calc', timeoutSeconds: '301' },
      { services: 'calc', extra: '1' },
    ])('leaves %j to class-validator, which refuses it too', async (value) => {
      expect(fast(value)).toBeUndefined();
      expect(await slow(value)).toBeUndefined();
    });

    it('answers a refused one in class-validator\'s words', async () => {
      await expect(new RegistryValidationPipe().transform({ services: 'calc', epoch: 'has space' }, query)).rejects.toThrow(
        'epoch must be 1 to 64 letters, digits, - or _',
      );
    });
  });
});
