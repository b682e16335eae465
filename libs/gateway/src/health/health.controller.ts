import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import { ApiResponse, ApiTags } from '@nestjs/swagger';
import { ContactsPatterns, ExtendedFieldsPatterns, HealthReport, LabelsPatterns, WebhooksPatterns } from '@cp/contracts';
import { ServiceClient } from '@cp/messaging';
import { Public } from '../auth/decorators';
import { Operation, ref } from '../openapi';
import { HttpDrain } from '../http/drain';
import { GATEWAY_SERVICES, GatewayServices } from '../service-clients';

export const HTTP_DRAIN = Symbol('HTTP_DRAIN');

interface Reply {
  status(code: number): Reply;
  send(body: unknown): void;
}

const NotReadyResponse = () => ApiResponse({ status: 503, description: 'Not ready (or draining): which service or part is not', schema: ref('HealthReport') });

/**
 * `/health` and `/health/ready`: 200 only when every service answers and reports its stores and
 * projections ready (`/health/ready` also 503 once a shutdown has begun, so that a load balancer
 * stops sending before the listener closes). `/health/live`: 200 while the process answers at all,
 * draining included (a restart would not help a process that is only catching up).
 */
@ApiTags('Operations')
@Controller()
export class HealthController {
  constructor(
    @Inject(GATEWAY_SERVICES) private readonly services: GatewayServices,
    @Inject(HTTP_DRAIN) private readonly drain: HttpDrain,
  ) {}

  @Get('health')
  @Public()
  @Operation({ id: 'getHealth', answer: 'HealthReport', summary: 'Readiness of the gateway and every service' })
  @NotReadyResponse()
  async health(@Res() reply: Reply): Promise<void> {
    const { ready, services } = await this.readiness();
    reply.status(ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).send({ status: ready ? 'ok' : 'unavailable', services });
  }

  @Get('health/ready')
  @Public()
  @Operation({ id: 'getReadiness', answer: 'HealthReport', summary: 'Readiness probe: every service, store and projection ready, and not shutting down' })
  @NotReadyResponse()
  async ready(@Res() reply: Reply): Promise<void> {
    if (this.drain.draining) {
      reply.status(HttpStatus.SERVICE_UNAVAILABLE).send({ status: 'draining' });
      return;
    }
    return this.health(reply);
  }

  @Get('health/live')
  @Public()
  @Operation({ id: 'getLiveness', answer: 'HealthReport', summary: 'Liveness probe: the process answers' })
  live(@Res() reply: Reply): void {
    reply.status(HttpStatus.OK).send({ status: this.drain.draining ? 'draining' : 'ok' });
  }

  private async readiness(): Promise<{ ready: boolean; services: HealthReport[] }> {
    const services = await Promise.all([
      this.ask(this.services.contacts, ContactsPatterns.health, 'contacts'),
      this.ask(this.services.labels, LabelsPatterns.health, 'labels'),
      this.ask(this.services.extendedFields, ExtendedFieldsPatterns.health, 'extended-fields'),
      this.ask(this.services.webhooks, WebhooksPatterns.health, 'webhooks'),
    ]);
    return { ready: services.every((report) => report.ready), services };
  }

  private async ask(client: ServiceClient, pattern: string, service: string): Promise<HealthReport> {
    try {
      return await client.send<HealthReport>(pattern, {});
    } catch (error) {
      return { service, ready: false, parts: { transport: { ready: false, detail: error instanceof Error ? error.message : String(error) } } };
    }
  }
}
