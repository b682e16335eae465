import { FilterPlan } from './embedded-plan';
import { Document } from './read-store.port';

const engineQueries = jest.fn();
jest.mock('mingo', () => {
  const actual = jest.requireActual('mingo');
  return {
    ...actual,
    Query: class extends actual.Query {
      constructor(...args: ConstructorParameters<typeof actual.Query>) {
        engineQueries(args[0]);
        super(...args);
      }
    },
  };
});

const docs: Document[] = Array.from({ length: 300 }, (_, i) => ({
  _id: `d${i}`,
  siteId: 's1',
  deleted: i % 10 === 0,
  state: { id: `id-${i}`, name: i % 3 === 0 ? `Ada ${i}` : `Bob ${i}`, emails: { items: [{ email: `e${i}@x.com` }] } },
  lowercased: { emails: [`e${i}@x.com`, `alt${i}@x.com`] },
  labels: i % 2 === 0 ? ['vip'] : [],
  age: i,
}));

const ids = (count: number, step: number) => Array.from({ length: count }, (_, i) => `id-${i * step}`);

function matching(filter: Record<string, unknown>): string[] {
  const plan = new FilterPlan(filter, new Map());
  return docs.filter((doc) => plan.matches(doc)).map((doc) => doc._id);
}

beforeEach(() => engineQueries.mockClear());

describe('the embedded filter plan', () => {
  const index = (doc: Document) => Number(doc._id.slice(1));
  it.each<[string, Record<string, unknown>, (doc: Document) => boolean]>([
    ['$in of many ids', { siteId: 's1', 'state.id': { $in: ids(1000, 3) } }, (d) => index(d) % 3 === 0],
    ['$nin of many ids', { siteId: 's1', deleted: false, 'state.id': { $nin: ids(100, 1) } }, (d) => index(d) >= 100 && index(d) % 10 !== 0],
    ['$or of 200 equalities', { siteId: 's1', $or: ids(200, 1).map((id) => ({ 'state.id': id })) }, (d) => index(d) < 200],
    ['$or of prefixes', { $or: ['^ada 1', '^ADA 2', '^bob 29'].map((p) => ({ 'state.name': { $regex: p, $options: 'i' } })) }, (d) => /^(ada [12]|bob 29)/i.test(String((d.state as { name: string }).name))],
    ['$and of $ne', { $and: ids(150, 2).map((id) => ({ 'state.id': { $ne: id } })) }, (d) => index(d) >= 300 || index(d) % 2 === 1],
    ['$not nested, ranges', { $nor: [{ $nor: [{ age: { $gte: 100, $lt: 110 } }] }] }, (d) => index(d) >= 100 && index(d) < 110],
    ['an array at the end of the path', { 'lowercased.emails': { $in: ['alt7@x.com', 'e8@x.com'] }, labels: { $all: ['vip'] } }, (d) => index(d) === 8],
  ])('decides %s without the query engine', (_label, filter, expected) => {
    expect(matching(filter)).toEqual(docs.filter(expected).map((doc) => doc._id));
    expect(engineQueries).not.toHaveBeenCalled();
  });

  it('leaves to the query engine what reaches into arrays before the end of the path', () => {
    expect(matching({ 'state.emails.items.email': 'e7@x.com' })).toEqual(['d7']);
    expect(engineQueries).toHaveBeenCalledTimes(1);
  });
});
