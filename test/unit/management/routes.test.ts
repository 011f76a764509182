import { managementRoutes } from '../../../shared/management/routes';
import { platform } from '../../../shared/platform';

describe('management route table', () => {
  it('serves every management route of the definition except the DLQ retry (issue 7 adds it)', () => {
    const defined = platform.httpRoutes
      .filter((r) => r.function === 'management')
      .map((r) => `${r.method} ${r.path.replace(platform.apiBasePath, '')}`)
      .filter((k) => k !== 'POST /dead-letter-queue/retry')
      .sort();
    expect(Object.keys(managementRoutes).sort()).toEqual(defined);
  });
});
