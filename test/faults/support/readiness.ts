/** What the API's readiness check says, and where it said it. */
export interface Readiness {
  readonly ready: boolean;
  readonly status: number;
  readonly retryAfter: string | null;
  readonly path: string;
}

interface OpenApiDocument {
  readonly paths?: Record<string, Record<string, { parameters?: { name?: string }[] }>>;
}

/**
 * The readiness check the API documents: `/health?deep=true` when the
 * OpenAPI document gives /health a `deep` parameter (#11 adds it: 503 with
 * Retry-After when writes cannot succeed); otherwise none (`undefined`), so
 * a fault test asserts readiness as soon as the API offers it, and reports
 * that it could not before.
 */
export const readiness = async (apiBase: string): Promise<Readiness | undefined> => {
  const document = (await (await fetch(`${apiBase}/openapi.json`)).json()) as OpenApiDocument;
  const healthPath = Object.keys(document.paths ?? {}).find((p) => p.endsWith('/health'));
  const parameters =
    healthPath === undefined ? [] : (document.paths?.[healthPath]?.get?.parameters ?? []);
  if (!parameters.some((p) => p.name === 'deep')) return undefined;
  const path = '/health?deep=true';
  const answer = await fetch(`${apiBase}${path}`, { signal: AbortSignal.timeout(60_000) });
  await answer.arrayBuffer();
  return {
    ready: answer.status === 200,
    status: answer.status,
    retryAfter: answer.headers.get('retry-after'),
    path,
  };
};
