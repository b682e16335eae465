// The CRUD yardstick (issue 13): what a team would get without event sourcing. A minimal NestJS
// service on Fastify with class-validator DTOs and better-sqlite3 (WAL, synchronous NORMAL, as
// the product's event store): one table of JSON documents with a unique index on the
// lower-cased primary email, doing the product's Create Contact and Get Contact on the same
// paths with the same bodies. It seeds SEED contacts at start, with the ids crudSeedId(i).
// PORT, SEED and DATA_FILE from the environment; 127.0.0.1 only.
import 'reflect-metadata';
import { Body, ConflictException, Controller, Get, HttpCode, Module, NotFoundException, Param, Post, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import Database from 'better-sqlite3';
import { Type } from 'class-transformer';
import { IsArray, IsBoolean, IsEmail, IsInt, IsObject, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { randomUUID } from 'node:crypto';
import { crudSeedId, contactInfo } from './lib/data.mjs';

// ---- DTOs, decorators applied by hand (this file is plain JavaScript)
const fields = (Class, spec) => {
  for (const [name, decorators] of Object.entries(spec)) for (const decorate of decorators) decorate(Class.prototype, name);
  return Class;
};
const optionalString = [IsOptional(), IsString(), MaxLength(200)];
const nested = (Item, each = false) => [IsOptional(), ValidateNested({ each }), Type(() => Item)];

class NameDto {}
fields(NameDto, { first: optionalString, last: optionalString });
class EmailDto {}
fields(EmailDto, { email: [IsEmail()], tag: optionalString });
class EmailsDto {}
fields(EmailsDto, { items: [IsArray(), ...nested(EmailDto, true)] });
class PhoneDto {}
fields(PhoneDto, { phone: [IsString(), MaxLength(50)], tag: optionalString });
class PhonesDto {}
fields(PhonesDto, { items: [IsArray(), ...nested(PhoneDto, true)] });
class AddressDto {}
fields(AddressDto, { city: optionalString, country: optionalString, addressLine: optionalString });
class AddressItemDto {}
fields(AddressItemDto, { tag: optionalString, address: nested(AddressDto) });
class AddressesDto {}
fields(AddressesDto, { items: [IsArray(), ...nested(AddressItemDto, true)] });
class LabelKeysDto {}
fields(LabelKeysDto, { items: [IsArray(), IsString({ each: true })] });
class ExtendedFieldsDto {}
fields(ExtendedFieldsDto, { items: [IsObject()] });
class InfoDto {}
fields(InfoDto, {
  name: nested(NameDto),
  emails: nested(EmailsDto),
  phones: nested(PhonesDto),
  addresses: nested(AddressesDto),
  company: optionalString,
  jobTitle: optionalString,
  birthdate: optionalString,
  labelKeys: nested(LabelKeysDto),
  extendedFields: nested(ExtendedFieldsDto),
});
class CreateContactDto {}
fields(CreateContactDto, { info: [ValidateNested(), Type(() => InfoDto)], allowDuplicates: [IsOptional(), IsBoolean()] });
fields(CreateContactDto, { revision: [IsOptional(), IsInt()] });

// ---- storage
const db = new Database(process.env.DATA_FILE ?? ':memory:');
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.exec(`CREATE TABLE IF NOT EXISTS contacts (id TEXT PRIMARY KEY, email TEXT, doc TEXT NOT NULL);
         CREATE UNIQUE INDEX IF NOT EXISTS contacts_by_email ON contacts (email)`);
const insert = db.prepare('INSERT INTO contacts (id, email, doc) VALUES (?, ?, ?)');
const byId = db.prepare('SELECT doc FROM contacts WHERE id = ?');

function contactOf(id, info, now) {
  return { id, revision: 1, info, createdDate: now, updatedDate: now, primaryInfo: { email: info.emails?.items?.[0]?.email } };
}

function save(id, info) {
  const contact = contactOf(id, info, new Date().toISOString());
  insert.run(id, info.emails?.items?.[0]?.email?.toLowerCase() ?? null, JSON.stringify(contact));
  return contact;
}

const seed = Number(process.env.SEED ?? 0);
db.transaction(() => {
  for (let i = 0; i < seed; i++) save(crudSeedId(i), contactInfo(i, ['custom.a', 'custom.b'], {}));
})();

// ---- API
class ContactsController {
  create(body) {
    try {
      return { contact: save(randomUUID(), body.info) };
    } catch (error) {
      if (error.code === 'SQLITE_CONSTRAINT_UNIQUE') throw new ConflictException('DUPLICATE_CONTACT_EXISTS');
      throw error;
    }
  }

  get(id) {
    const row = byId.get(id);
    if (!row) throw new NotFoundException('CONTACT_NOT_FOUND');
    return { contact: JSON.parse(row.doc) };
  }
}
const method = (name) => [ContactsController.prototype, name, Object.getOwnPropertyDescriptor(ContactsController.prototype, name)];
Controller('contacts/v4/contacts')(ContactsController);
Post()(...method('create'));
HttpCode(200)(...method('create'));
Body()(ContactsController.prototype, 'create', 0);
Reflect.defineMetadata('design:paramtypes', [CreateContactDto], ContactsController.prototype, 'create');
Get(':id')(...method('get'));
Param('id')(ContactsController.prototype, 'get', 0);
Reflect.defineMetadata('design:paramtypes', [String], ContactsController.prototype, 'get');

class CrudModule {}
Module({ controllers: [ContactsController] })(CrudModule);

const app = await NestFactory.create(CrudModule, new FastifyAdapter(), { logger: false });
app.useGlobalPipes(new ValidationPipe({ transform: true, whitelist: true, forbidNonWhitelisted: true }));
await app.listen(Number(process.env.PORT), '127.0.0.1');
console.log(`CRUD yardstick listening on ${process.env.PORT} with ${seed} contacts`);
const stop = async () => {
  await app.close();
  db.close();
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
