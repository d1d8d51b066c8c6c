import type { WorkloadReadiness } from '../../ports';

/**
 * Green's readiness as its own endpoint reports it: an HTTP GET of the configured
 * health check (blueGreen/healthCheckUrl with the cluster's name) answering 2xx
 * within the timeout. Anything else (another status, a refused connection, DNS not
 * there yet, a timeout) is "not ready yet": the phase asks again until its deadline.
 */
export class HttpWorkloadReadiness implements WorkloadReadiness {
  constructor(
    private readonly options: {
      readonly timeoutMs?: number;
      readonly fetch?: typeof fetch;
    } = {},
  ) {}

  async check(target: { readonly clusterName: string; readonly url: string }): Promise<{
    ready: boolean;
    detail: string;
  }> {
    const get = this.options.fetch ?? fetch;
    try {
      const response = await get(target.url, {
        method: 'GET',
        redirect: 'manual',
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000),
      });
      await response.body?.cancel();
      const ready = response.status >= 200 && response.status < 300;
      return { ready, detail: `GET ${target.url}: HTTP ${response.status}` };
    } catch (error) {
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      return { ready: false, detail: `GET ${target.url}: ${reason}` };
    }
  }
}
