import { ProcessMetrics } from './process-metrics';

const series = (text: string, name: string) => text.split('\n').filter((line) => line.startsWith(name));

describe('ProcessMetrics', () => {
  it('has the process metrics and every metric of the platform in one registry', async () => {
    const { body, contentType } = await new ProcessMetrics().scrape();
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    const names = [...body.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map(([, name, type]) => `${name} ${type}`);
    expect(names).toEqual(
      expect.arrayContaining([
        'process_cpu_seconds_total counter',
        'process_resident_memory_bytes gauge',
        'nodejs_eventloop_lag_seconds gauge',
        'http_request_duration_seconds histogram',
        'event_store_append_duration_seconds histogram',
        'kafka_request_duration_seconds histogram',
        'projection_lag_events gauge',
        'queue_depth gauge',
      ]),
    );
  });

  it('counts and times HTTP requests by method, route pattern and status', async () => {
    const metrics = new ProcessMetrics();
    metrics.httpRequestDuration.observe({ method: 'GET', route: '/contacts/v4/contacts/:id', status: '200' }, 0.003);
    metrics.httpRequestDuration.observe({ method: 'GET', route: '/contacts/v4/contacts/:id', status: '200' }, 0.2);
    const { body } = await metrics.scrape();
    expect(series(body, 'http_request_duration_seconds_count')).toEqual(['http_request_duration_seconds_count{method="GET",route="/contacts/v4/contacts/:id",status="200"} 2']);
    expect(series(body, 'http_request_duration_seconds_bucket{le="0.005"')).toEqual(['http_request_duration_seconds_bucket{le="0.005",method="GET",route="/contacts/v4/contacts/:id",status="200"} 1']);
  });

  it('times appends by store and outcome', async () => {
    const metrics = new ProcessMetrics();
    metrics.timeAppend('contacts')('ok');
    metrics.timeAppend('contacts')('conflict');
    const { body } = await metrics.scrape();
    expect(series(body, 'event_store_append_duration_seconds_count')).toEqual([
      'event_store_append_duration_seconds_count{store="contacts",outcome="ok"} 1',
      'event_store_append_duration_seconds_count{store="contacts",outcome="conflict"} 1',
    ]);
  });

  it('reads projection lags and queue depths at each scrape, from what is watched then', async () => {
    const metrics = new ProcessMetrics();
    let behind = 7;
    const unwatch = metrics.watchProjectionLag('contacts-read-model', async () => behind);
    metrics.watchQueueDepth('webhook-deliveries', () => 3);
    metrics.watchQueueDepth('webhook-deliveries', () => 2);
    expect(series((await metrics.scrape()).body, 'projection_lag_events{')).toEqual(['projection_lag_events{projection="contacts-read-model"} 7']);
    expect(series((await metrics.scrape()).body, 'queue_depth{')).toEqual(['queue_depth{queue="webhook-deliveries"} 5']);
    behind = 0;
    expect(series((await metrics.scrape()).body, 'projection_lag_events{')).toEqual(['projection_lag_events{projection="contacts-read-model"} 0']);
    unwatch();
    expect(series((await metrics.scrape()).body, 'projection_lag_events{')).toEqual([]);
  });

  it('adds a worker thread\'s metrics (no process metrics of its own) to the scrape', async () => {
    const main = new ProcessMetrics();
    const worker = new ProcessMetrics({ processMetrics: false });
    worker.watchProjectionLag('webhooks-dispatcher', async () => 4);
    worker.timeAppend('webhooks')('ok');
    main.timeAppend('contacts')('ok');
    expect((await worker.scrape()).body).not.toContain('process_cpu_seconds_total');
    const unpeer = main.addPeer(() => worker.snapshot());
    const { body } = await main.scrape();
    expect(series(body, 'projection_lag_events{')).toEqual(['projection_lag_events{projection="webhooks-dispatcher"} 4']);
    expect(series(body, 'event_store_append_duration_seconds_count')).toEqual([
      'event_store_append_duration_seconds_count{store="contacts",outcome="ok"} 1',
      'event_store_append_duration_seconds_count{store="webhooks",outcome="ok"} 1',
    ]);
    expect(series(body, 'process_cpu_seconds_total ')).toHaveLength(1);
    unpeer();
    expect(series((await main.scrape()).body, 'projection_lag_events{')).toEqual([]);
  });
});
