// Deterministic, realistic-looking contacts for the bench site: names, emails, phones,
// companies, addresses, labels (skewed: a few popular labels, a long tail) and extended fields.

export const FIRST_NAMES = [
  'James', 'Mary', 'Robert', 'Patricia', 'John', 'Jennifer', 'Michael', 'Linda', 'David', 'Elizabeth',
  'William', 'Barbara', 'Richard', 'Susan', 'Joseph', 'Jessica', 'Thomas', 'Sarah', 'Charles', 'Karen',
  'Christopher', 'Lisa', 'Daniel', 'Nancy', 'Matthew', 'Betty', 'Anthony', 'Sandra', 'Mark', 'Margaret',
  'Ada', 'Grace', 'Alan', 'Katherine', 'Noam', 'Yael', 'Hiroshi', 'Aiko', 'Mateo', 'Sofia',
  'Lucas', 'Emma', 'Olivia', 'Liam', 'Amelia', 'Noah', 'Isabella', 'Ethan', 'Mia', 'Oliver',
  'Chloe', 'Leo', 'Zoe', 'Arjun', 'Priya', 'Wei', 'Mei', 'Omar', 'Fatima', 'Ivan',
];

export const LAST_NAMES = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez',
  'Hernandez', 'Lopez', 'Gonzalez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin',
  'Lee', 'Perez', 'Thompson', 'White', 'Harris', 'Sanchez', 'Clark', 'Ramirez', 'Lewis', 'Robinson',
  'Lovelace', 'Hopper', 'Turing', 'Johnson', 'Cohen', 'Levi', 'Tanaka', 'Suzuki', 'Rossi', 'Bianchi',
  'Muller', 'Schmidt', 'Dubois', 'Laurent', 'Novak', 'Kowalski', 'Nguyen', 'Kim', 'Park', 'Chen',
];

const DOMAINS = ['example.com', 'mail.example.org', 'acme.test', 'contoso.example', 'fabrikam.example', 'initech.test'];
const COMPANIES = ['Acme', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Stark Industries', 'Wayne Enterprises', 'Tyrell', 'Cyberdyne', 'Soylent'];
const TITLES = ['Engineer', 'Designer', 'Product Manager', 'Founder', 'Sales Lead', 'Accountant', 'Teacher', 'Nurse'];
const CITIES = [
  ['San Francisco', 'US'], ['New York', 'US'], ['London', 'GB'], ['Berlin', 'DE'], ['Paris', 'FR'],
  ['Tel Aviv', 'IL'], ['Tokyo', 'JP'], ['Madrid', 'ES'], ['Toronto', 'CA'], ['Sydney', 'AU'],
];
const TIERS = ['bronze', 'silver', 'gold', 'platinum'];
const SOURCES = ['website', 'store', 'referral', 'import', 'event'];

export const LABEL_NAMES = [
  'VIP', 'Newsletter', 'Customer', 'Lead', 'Prospect', 'Partner', 'Supplier', 'Press', 'Investor', 'Alumni',
  'Beta tester', 'Wholesale', 'Event 2024', 'Event 2025', 'Churned', 'Trial', 'Enterprise', 'SMB', 'Student', 'Volunteer',
];

export const EXTENDED_FIELDS = [
  { displayName: 'Loyalty points', dataType: 'NUMBER', role: 'points' },
  { displayName: 'Tier', dataType: 'TEXT', role: 'tier' },
  { displayName: 'Signup source', dataType: 'TEXT', role: 'source' },
  { displayName: 'Last order', dataType: 'DATE', role: 'lastOrder' },
];

/** mulberry32: a tiny seeded PRNG, so every run seeds the same site. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = (random, list) => list[Math.floor(random() * list.length)];

/** A label index skewed towards the first labels (roughly Zipf): label 0 is the most common. */
function skewedLabel(random, count) {
  return Math.min(count - 1, Math.floor(count * random() ** 2.2));
}

/** A valid US number, unique per index: +1 415 2xx xxxx (index < 1,000,000). */
export function phoneFor(index) {
  const digits = String(index % 1_000_000).padStart(6, '0');
  return `+1 415 2${digits.slice(0, 2)} ${digits.slice(2)}`;
}

/**
 * The `info` of seeded contact `index`; `labelKeys` and `fieldKeys` (role -> key) are the keys
 * the server gave the labels and extended fields created first. Emails are unique per index.
 */
export function contactInfo(index, labelKeys, fieldKeys, tag = 's') {
  const random = rng(index * 2654435761 + 17);
  const first = pick(random, FIRST_NAMES);
  const last = pick(random, LAST_NAMES);
  const local = `${first}.${last}`.toLowerCase();
  const info = {
    name: { first, last },
    emails: { items: [{ email: `${local}.${tag}${index}@${pick(random, DOMAINS)}`, tag: 'MAIN' }] },
  };
  if (random() < 0.3) info.emails.items.push({ email: `${local[0]}${last.toLowerCase()}.${tag}${index}@work.example`, tag: 'WORK' });
  if (random() < 0.7) info.phones = { items: [{ phone: phoneFor(index), tag: 'MOBILE' }] };
  if (random() < 0.5) info.company = pick(random, COMPANIES);
  if (random() < 0.3) info.jobTitle = pick(random, TITLES);
  if (random() < 0.2) {
    const [city, country] = pick(random, CITIES);
    info.addresses = { items: [{ tag: 'HOME', address: { city, country, addressLine: `${1 + Math.floor(random() * 200)} Main St` } }] };
  }
  if (random() < 0.2) info.birthdate = `19${50 + Math.floor(random() * 50)}-0${1 + Math.floor(random() * 9)}-1${Math.floor(random() * 9)}`;
  const labelCount = random() < 0.25 ? 0 : 1 + Math.floor(random() * 3);
  const labels = new Set();
  for (let n = 0; n < labelCount; n++) labels.add(labelKeys[skewedLabel(random, labelKeys.length)]);
  if (labels.size > 0) info.labelKeys = { items: [...labels] };
  const items = {};
  if (fieldKeys.points && random() < 0.6) items[fieldKeys.points] = Math.floor(random() * 5000);
  if (fieldKeys.tier && random() < 0.5) items[fieldKeys.tier] = pick(random, TIERS);
  if (fieldKeys.source && random() < 0.4) items[fieldKeys.source] = pick(random, SOURCES);
  if (fieldKeys.lastOrder && random() < 0.3) items[fieldKeys.lastOrder] = `2025-0${1 + Math.floor(random() * 9)}-1${Math.floor(random() * 9)}`;
  if (Object.keys(items).length > 0) info.extendedFields = { items };
  return info;
}

/** The id of the CRUD yardstick's seeded contact `index` (a valid UUID, as the product's ids are). */
export function crudSeedId(index) {
  return `00000000-0000-4000-8000-${index.toString(16).padStart(12, '0')}`;
}
