import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ContactsPatterns, HealthReport } from '@cp/contracts';
import { ServiceClient } from '@cp/messaging';
import { Public } from '../auth/decorators';
import { CONTACTS_CLIENT } from '../service-clients';

interface Reply {
  status(code: number): Reply;
  send(body: unknown): void;
}

/** 200 only when every service answers and reports its stores and projections ready. */
@ApiTags('Operations')
@Controller()
export class HealthController {
  constructor(@Inject(CONTACTS_CLIENT) private readonly contacts: ServiceClient) {}

  @Get('health')
  @Public()
  @ApiOperation({ summary: 'Readiness of the gateway and every service' })
  async health(@Res() reply: Reply): Promise<void> {
    const reports = await Promise.all([this.ask(this.contacts, ContactsPatterns.health, 'contacts')]);
    const ready = reports.every((report) => report.ready);
    reply.status(ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).send({ status: ready ? 'ok' : 'unavailable', services: reports });
  }

  private async ask(client: ServiceClient, pattern: string, service: string): Promise<HealthReport> {
    try {
      return await client.send<HealthReport>(pattern, {});
    } catch (error) {
      return { service, ready: false, parts: { transport: { ready: false, detail: error instanceof Error ? error.message : String(error) } } };
    }
  }
}
