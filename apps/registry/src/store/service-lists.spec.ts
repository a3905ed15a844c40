import { RegistryInstance } from '../registry/instance.entity';
import { ServiceLists } from './service-lists';

function instance(name: string, id: string, port = 80): RegistryInstance {
  return { id, name, port } as RegistryInstance;
}

describe('ServiceLists', () => {
  it('lists a service in registration order, a replaced instance in its place', () => {
    const lists = new ServiceLists();
    lists.set(instance('calc', 'a'));
    lists.set(instance('calc', 'b'));
    lists.set(instance('calc', 'a', 81));
    expect(lists.list('calc').map((each) => [each.id, each.port])).toEqual([
      ['a', 81],
      ['b', 80],
    ]);
    expect(lists.list('nope')).toEqual([]);
  });

  it('hands out the same array until its service changes, and never changes one handed out', () => {
    const lists = new ServiceLists();
    lists.set(instance('calc', 'a'));
    lists.set(instance('other', 'x'));
    const calc = lists.list('calc');
    const other = lists.list('other');
    expect(lists.list('calc')).toBe(calc);
    lists.set(instance('calc', 'b'));
    expect(calc.map((each) => each.id)).toEqual(['a']);
    expect(lists.list('calc')).not.toBe(calc);
    expect(lists.list('other')).toBe(other);
  });

  it('drops a service left empty, and keeps the map until a change', () => {
    const lists = new ServiceLists();
    lists.set(instance('calc', 'a'));
    const all = lists.all();
    expect(lists.all()).toBe(all);
    lists.delete(instance('calc', 'a'));
    lists.delete(instance('calc', 'a'));
    expect(lists.all()).toEqual({});
    expect(all).toEqual({ calc: [instance('calc', 'a')] });
  });
});
