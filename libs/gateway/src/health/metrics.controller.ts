import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { ProcessMetrics } from '@cp/observability';
import { Public } from '../auth/decorators';

export const PROCESS_METRICS = Symbol('PROCESS_METRICS');

interface Reply {
  header(name: string, value: string): Reply;
  send(body: string): void;
}

/** `GET /metrics` for Prometheus, without an API key (METRICS=false leaves it out); not part of the API's document. */
@ApiExcludeController()
@Controller()
export class MetricsController {
  constructor(@Inject(PROCESS_METRICS) private readonly metrics: ProcessMetrics) {}

  @Get('metrics')
  @Public()
  async scrape(@Res() reply: Reply): Promise<void> {
    const { contentType, body } = await this.metrics.scrape();
    reply.header('content-type', contentType).send(body);
  }
}
