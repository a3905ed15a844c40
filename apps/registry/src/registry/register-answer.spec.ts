import { RegistryInstance } from './instance.entity';
import { instanceJson, registerAnswer } from './register-answer';

function stored(): RegistryInstance {
  return {
    id: 'calc-1',
    name: 'calc',
    host: '127.0.0.2',
    port: 3000,
    protocol: 'http',
    tags: ['v1'],
    metadata: { zone: 'a' },
    weight: 1,
    ttlSeconds: 30,
    status: 'passing',
    enabled: true,
    registeredAt: '2026-01-01T00:00:00.000Z',
    lastHeartbeat: '2026-01-01T00:00:00.000Z',
  };
}

describe('instanceJson', () => {
  it("is the instance's JSON at its first answer, its second and after a renewal updated its heartbeat in place", () => {
    const instance = stored();
    expect(instanceJson(instance)).toBe(JSON.stringify(instance));
    expect(instanceJson(instance)).toBe(JSON.stringify(instance));
    instance.lastHeartbeat = '2026-01-01T00:00:05.000Z';
    expect(instanceJson(instance)).toBe(JSON.stringify(instance));
    instance.lastHeartbeat = '2026-01-01T00:00:10.000Z';
    expect(instanceJson(instance)).toBe(JSON.stringify(instance));
  });

  it('answers with the services only when given them', () => {
    const instance = stored();
    expect(JSON.parse(registerAnswer(instance, 7))).toEqual({ instance, revision: 7 });
    expect(JSON.parse(registerAnswer(instance, 7, Buffer.from('{"calc":[]}')).toString())).toEqual({ instance, revision: 7, services: { calc: [] } });
  });
});
