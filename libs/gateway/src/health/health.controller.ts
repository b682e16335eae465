import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ContactsPatterns, ExtendedFieldsPatterns, HealthReport, LabelsPatterns, WebhooksPatterns } from '@cp/contracts';
import { ServiceClient } from '@cp/messaging';
import { Public } from '../auth/decorators';
import { GATEWAY_SERVICES, GatewayServices } from '../service-clients';

interface Reply {
  status(code: number): Reply;
  send(body: unknown): void;
}

/** 200 only when every service answers and reports its stores and projections ready. */
@ApiTags('Operations')
@Controller()
export class HealthController {
  constructor(@Inject(GATEWAY_SERVICES) private readonly services: GatewayServices) {}

  @Get('health')
  @Public()
  @ApiOperation({ summary: 'Readiness of the gateway and every service' })
  async health(@Res() reply: Reply): Promise<void> {
    const reports = await Promise.all([
      this.ask(this.services.contacts, ContactsPatterns.health, 'contacts'),
      this.ask(this.services.labels, LabelsPatterns.health, 'labels'),
      this.ask(this.services.extendedFields, ExtendedFieldsPatterns.health, 'extended-fields'),
      this.ask(this.services.webhooks, WebhooksPatterns.health, 'webhooks'),
    ]);
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
